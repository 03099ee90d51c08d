using IncidentBot.Runbooks.Rendering;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace IncidentBot.Tests.Security;

/// <summary>
/// Link targets and text that must never become a link, a tag, a Slack mention or a Teams mention: script schemes
/// in every disguise browsers accept (after the OWASP XSS filter-evasion cheat sheet), other schemes, relative and
/// protocol-relative paths, and Slack, Teams and HTML markup written as plain text.
/// </summary>
public static class AttackCorpus
{
    /// <summary>Targets <c>LinkPolicy</c> refuses, as the string a renderer receives (entities already decoded).</summary>
    public static readonly string[] UnsafeUrls =
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "JaVaScRiPt:window.__pwned=1",
        "javascript:window.__pwned=1",
        "javascript://%0Aalert(1)",
        "javascript://comment%0Awindow.__pwned=1",
        "javascript:/*--></title></style></textarea></script><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "jav\tascript:alert(1)",
        "jav\nascript:alert(1)",
        "jav\rascript:alert(1)",
        "jav\u0000ascript:alert(1)",
        "java\u200Bscript:alert(1)",
        "\u0001javascript:alert(1)",
        "\u00A0javascript:alert(1)",
        "\uFEFFjavascript:alert(1)",
        "javascript\u2028:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "livescript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html,<script>window.__pwned=1</script>",
        "DATA:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "ftp://files.example/x",
        "tel:+15551234567",
        "blob:https://console.example/0b8f",
        "about:blank",
        "chrome://settings",
        "intent://scan/#Intent;scheme=zxing;end",
        "jar:https://x.example/a.jar!/",
        "ms-settings:privacy",
        "//evil.example/x",
        "///evil.example/x",
        "\\\\evil.example\\share",
        "/\\evil.example",
        "\\/\\/evil.example",
        "https:\\\\evil.example",
        "http:\\\\evil.example",
        "https:/evil.example",
        "https:evil.example",
        "https://",
        "http://",
        "mailto:",
        "relative/path",
        "/api/commands",
        "./x",
        "#top",
        "?q=1",
        "",
        "   ",
    ];

    /// <summary>Targets that stay links everywhere.</summary>
    public static readonly string[] SafeUrls =
    [
        "https://grafana.example/d/checkout",
        "http://wiki.example/runbooks?q=db&x=1",
        "HTTPS://EXAMPLE.COM/UPPER",
        "https://example.com/path#frag",
        "https://user@example.com:8443/x",
        "https://example.com/g%20(1).png",
        "mailto:oncall@example.com",
        "https://bücher.example/straße",
    ];

    /// <summary>Markdown that writes an unsafe target in each way Markdown makes a link: inline, angle destination, title, reference, image, autolink, nested.</summary>
    public static IEnumerable<string> UnsafeLinkMarkdown()
    {
        string[] written =
        [
            "javascript:alert(1)", "JAVASCRIPT:alert(1)", "jav&#x09;ascript:alert(1)", "jav&#9;ascript:alert(1)",
            "jav&#x0A;ascript:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)", "java&#x200B;script:alert(1)",
            "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd",
            "//evil.example/x", "https:evil.example", "ftp://files.example/x", "/api/commands", "#top",
            "javascript:window.__pwned=1", "JaVaScRiPt:window.__pwned=1",
        ];
        foreach (var url in written)
        {
            yield return $"[click](<{url}>)";
            yield return $"[click]({url})";
            yield return $"[click](<{url}> \"title\")";
            yield return $"[click][r]\n\n[r]: <{url}>";
            yield return $"![alt](<{url}>)";
            yield return $"<{url}>";
            yield return $"[![alt](<{url}>)](<{url}>)";
            yield return $"- item with [**bold** click](<{url}>)";
            yield return $"> quoted [click](<{url}>)";
        }
    }

    /// <summary>The unsafe-link Markdown that Markdig really parses into a link, image or autolink: each one tests a renderer.</summary>
    public static TheoryData<string> UnsafeLinks()
    {
        var data = new TheoryData<string>();
        foreach (var markdown in UnsafeLinkMarkdown().Distinct().Where(ParsesAsLink))
        {
            data.Add(markdown);
        }
        return data;
    }

    /// <summary>Text that is markup to a browser, Slack or Teams, written where people write plain text.</summary>
    public static readonly string[] MarkupText =
    [
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=window.__pwned=1>",
        "<svg onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "\"><script>alert(1)</script>",
        "'><img src=x onerror=alert(1)>",
        "<!channel> database down",
        "<!here>",
        "<!everyone>",
        "ping <@U0ALICE>",
        "<#C0GENERAL>",
        "<!subteam^S0ONCALL>",
        "<https://evil.example|https://good.example>",
        "<javascript:alert(1)|click>",
        "<at>Alice</at>",
        "\\[click\\](javascript:alert(1))",
        "[https://good.example](javascript:alert(1))",
        "&lt;!channel&gt;",
        "&#60;script&#62;window.__pwned=1&#60;/script&#62;",
        "`<!channel>`",
        "```\n<!channel>\n```",
        "<!channel",
        "a & b < c > d",
    ];

    public static TheoryData<string> Markup()
    {
        var data = new TheoryData<string>();
        foreach (var text in MarkupText)
        {
            data.Add(text);
        }
        return data;
    }

    /// <summary>Every attack in one list: unsafe links and markup written as text.</summary>
    public static List<string> Everything() => UnsafeLinkMarkdown().Distinct().Where(ParsesAsLink).Concat(MarkupText).ToList();

    private static bool ParsesAsLink(string markdown) =>
        RunbookMarkdown.Parse(markdown).Descendants().Any(node => node is LinkInline or AutolinkInline);
}
