# IncidentBot: built with the .NET 10 SDK, run on the ASP.NET Core 10 runtime as a non-root user, with a read-only
# root file system. Everything the bot writes goes to /data (a volume) or /tmp (mount a tmpfs). See docs/operations.md.
#   docker build -t incidentbot .
#   docker run --read-only --tmpfs /tmp -v incidentbot-data:/data -p 8080:8080 -e WebConsole__AccessToken=<secret> incidentbot

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restored packages stay cached until a project file changes.
COPY Directory.Build.props ./
COPY src/IncidentBot/IncidentBot.csproj src/IncidentBot/
COPY src/IncidentBot.Core/IncidentBot.Core.csproj src/IncidentBot.Core/
COPY src/IncidentBot.Slack/IncidentBot.Slack.csproj src/IncidentBot.Slack/
COPY src/IncidentBot.Teams/IncidentBot.Teams.csproj src/IncidentBot.Teams/
COPY src/IncidentBot.Storage.Postgres/IncidentBot.Storage.Postgres.csproj src/IncidentBot.Storage.Postgres/
COPY src/IncidentBot.Storage.LiteDb/IncidentBot.Storage.LiteDb.csproj src/IncidentBot.Storage.LiteDb/
COPY src/IncidentBot.OnCall/IncidentBot.OnCall.csproj src/IncidentBot.OnCall/
RUN dotnet restore src/IncidentBot/IncidentBot.csproj
# The projects also take appsettings.json (copied beside the binary) and the RCA template (embedded) from outside src/.
COPY appsettings.json ./
COPY docs/rca-template.md docs/
COPY docs/goalert/service-oncall-users.graphql docs/goalert/schedule-shifts.graphql docs/goalert/create-alert.graphql docs/goalert/
COPY src/ src/
RUN dotnet publish src/IncidentBot/IncidentBot.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY runbooks/ runbooks/
COPY catalog/ catalog/
# The data folder belongs to the image's non-root user (APP_UID, 1654), so a fresh volume mounted there is writable.
RUN mkdir /data && chown "$APP_UID" /data
VOLUME /data
# ASPNETCORE_URLS replaces the image's ASPNETCORE_HTTP_PORTS, which is emptied so Kestrel does not warn about both.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    Storage__Path=/data/incidentbot.db \
    Runbooks__Path=/app/runbooks \
    Catalog__Path=/app/catalog
EXPOSE 8080
USER $APP_UID
# The runtime image has no curl: the bot checks itself.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/IncidentBot.dll", "healthcheck", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "/app/IncidentBot.dll"]
