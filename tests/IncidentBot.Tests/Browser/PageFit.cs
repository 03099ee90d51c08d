using System.Text.Json.Serialization;
using Microsoft.Playwright;

namespace IncidentBot.Tests.Browser;

/// <summary>
/// Whether a page fits its screen's width: nothing makes the page scroll sideways, no box reaches past the screen's
/// edge and no text spills out of its box. Boxes inside a scroll box of their own (a code block, a wide table) or a
/// clipped one (a title cut with an ellipsis) are left to that box, which is checked itself.
/// </summary>
public static class PageFit
{
    private const string Measure = """
        () => {
          const root = document.scrollingElement;
          const width = root.clientWidth;
          const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
          const problems = [];
          for (const e of document.body.querySelectorAll("*")) {
            const box = e.getBoundingClientRect();
            if (box.width === 0 && box.height === 0) continue;
            let insideScrollBox = false;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== "visible") { insideScrollBox = true; break; }
            }
            if (insideScrollBox) continue;
            if (box.right > width + 1 || box.left < -1) problems.push(`${name(e)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
            else if (getComputedStyle(e).overflowX === "visible" && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
              problems.push(`${name(e)}: its content is ${e.scrollWidth}px wide in a ${e.clientWidth}px box`);
          }
          return { scrollWidth: root.scrollWidth, clientWidth: width, problems: problems.slice(0, 8) };
        }
        """;

    /// <summary>Fails, naming the boxes that stick out, unless <paramref name="page"/> fits its screen's width.</summary>
    public static async Task AssertFitsAsync(IPage page, string where)
    {
        var fit = await page.EvaluateAsync<Fit>(Measure);
        Assert.True(fit.ScrollWidth <= fit.ClientWidth && fit.Problems.Length == 0,
            $"{where} at {page.ViewportSize?.Width}px scrolls sideways or spills: the page is {fit.ScrollWidth}px wide in {fit.ClientWidth}px; {string.Join("; ", fit.Problems)}");
    }

    /// <summary>Fails unless <paramref name="locator"/> is visible and lies wholly within the screen's width.</summary>
    public static async Task AssertOnScreenAsync(IPage page, ILocator locator, string what)
    {
        await Assertions.Expect(locator).ToBeVisibleAsync();
        await locator.ScrollIntoViewIfNeededAsync();
        var box = await locator.BoundingBoxAsync();
        var width = await page.EvaluateAsync<int>("document.scrollingElement.clientWidth");
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= width + 1 && box.Width >= 24 && box.Height >= 24,
            $"{what} is not wholly on a {width}px screen or too small to tap: {box?.X}..{box?.X + box?.Width} ({box?.Width}×{box?.Height})");
    }

    private sealed class Fit
    {
        [JsonPropertyName("scrollWidth")] public int ScrollWidth { get; set; }

        [JsonPropertyName("clientWidth")] public int ClientWidth { get; set; }

        [JsonPropertyName("problems")] public string[] Problems { get; set; } = [];
    }
}
