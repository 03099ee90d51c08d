#!/usr/bin/env bash
# Regenerates the console pictures in docs/screenshots from the running console (desktop and phone size), using
# the browser test that also checks them on every test run. Needs Chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
INCIDENTBOT_UPDATE_SCREENSHOTS=1 dotnet test tests/IncidentBot.Tests --filter "FullyQualifiedName~ConsoleScreenshotTests"
ls -l docs/screenshots
