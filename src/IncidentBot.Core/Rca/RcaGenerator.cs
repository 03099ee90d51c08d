using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;

namespace IncidentBot.Rca;

/// <summary>Writes the post-incident review of an incident as Markdown from a Handlebars template.</summary>
public sealed class RcaGenerator
{
    private readonly HandlebarsTemplate<object, object> _template;

    /// <summary>Compiles <paramref name="templateText"/> once, or the built-in default when null.</summary>
    /// <exception cref="RcaTemplateException">The template does not compile or fails on a sample incident.</exception>
    public RcaGenerator(string? templateText = null)
    {
        var text = templateText ?? RcaDefaultTemplate.Text;
        var check = Check(text);
        if (!check.IsValid)
        {
            throw new RcaTemplateException(check.Line, check.Message ?? "invalid template");
        }
        _template = Create(strict: false).Compile(text);
    }

    /// <summary>
    /// Compiles the template and renders it strictly against a sample incident with every list filled, because
    /// Handlebars.Net only finds unknown helpers and misspelt fields at render time. Branches the sample does not
    /// take (an <c>{{else}}</c> of a filled list) are not checked.
    /// </summary>
    public static RcaTemplateCheck Check(string templateText)
    {
        try
        {
            Create(strict: true).Compile(templateText)(RcaViewModel.Build(RcaSample.Input));
            return RcaTemplateCheck.Valid;
        }
        catch (Exception e) when (e is HandlebarsException or HandlebarsUndefinedBindingException)
        {
            var message = e.Message.Split('\n')[0].Trim();
            return new RcaTemplateCheck(false, RcaTemplateLines.Locate(templateText, e.Message), message);
        }
    }

    public string Generate(RcaInput input) => _template(RcaViewModel.Build(input));

    // NoEscape: the output is Markdown, where HTML escaping would show &amp; and &lt; literally.
    private static IHandlebars Create(bool strict) =>
        Handlebars.Create(new HandlebarsConfiguration { NoEscape = true, ThrowOnUnresolvedBindingExpression = strict });
}
