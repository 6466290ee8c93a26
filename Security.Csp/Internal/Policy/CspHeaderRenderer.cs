using System.Text;
using Microsoft.Extensions.Primitives;

namespace Security.Csp.Internal.Policy;

/// <summary>Writes validated directives as header templates, with or without the reporting directives.</summary>
internal static class CspHeaderRenderer
{
    /// <summary>The headers of one case: the enforced and the report-only policy, and <c>Reporting-Endpoints</c>.</summary>
    public static CspHeaderVariant Variant(
        List<CspDirectiveValue>? enforced, List<CspDirectiveValue>? reported, bool reportUri, bool reportTo, StringValues endpoints) =>
        new(Render(enforced, reportUri, reportTo), Render(reported, reportUri, reportTo), endpoints);

    private static CspHeaderTemplate? Render(List<CspDirectiveValue>? directives, bool reportUri, bool reportTo)
    {
        if (directives is null)
        {
            return null;
        }

        var segments = new List<string>();
        var text = new StringBuilder();
        var withoutNonce = new StringBuilder();
        var first = true;
        foreach (var directive in directives)
        {
            if ((!reportUri && directive.Name == "report-uri") || (!reportTo && directive.Name == "report-to"))
            {
                continue;
            }

            if (!first)
            {
                text.Append("; ");
                withoutNonce.Append("; ");
            }

            first = false;
            text.Append(directive.Name);
            withoutNonce.Append(directive.Name);
            var sources = 0;
            var nonce = false;
            foreach (var value in directive.Values)
            {
                if (value is null)
                {
                    // The nonce splits the header: the text before it is one segment, the text after it the next.
                    text.Append(" 'nonce-");
                    segments.Add(text.ToString());
                    text.Clear().Append('\'');
                    nonce = true;
                }
                else if (value.Length > 0)
                {
                    text.Append(' ').Append(value);
                    withoutNonce.Append(' ').Append(value);
                    sources++;
                }
            }

            // The nonce alone meant "only nonced elements": with none on the page, that is nothing.
            if (nonce && sources == 0)
            {
                withoutNonce.Append(" 'none'");
            }
        }

        segments.Add(text.ToString());
        return new CspHeaderTemplate([.. segments], withoutNonce.ToString());
    }
}
