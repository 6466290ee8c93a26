namespace Security.Csp.Internal.Policy;

/// <summary>Adds the app-wide <c>report-uri</c> and <c>report-to</c> to a policy that does not declare its own.</summary>
internal static class CspReportingDirectives
{
    public static void Add(List<CspDirectiveValue>? directives, SecurityCspOptions root)
    {
        if (directives is null)
        {
            return;
        }

        if (root.ReportUri is { } uri && !Declares(directives, "report-uri"))
        {
            directives.Add(new("report-uri", [uri]));
        }

        if (root.ReportToEndpoint is not null && !Declares(directives, "report-to"))
        {
            directives.Add(new("report-to", [root.ReportToGroup]));
        }
    }

    // A raw policy string is one entry: look inside it, so a report-uri it already has is not added twice.
    private static bool Declares(List<CspDirectiveValue> directives, string name) =>
        directives.Exists(d => d.IsRaw ? RawDeclares(d.Name, name) : d.Name == name);

    private static bool RawDeclares(string raw, string name)
    {
        foreach (var part in raw.Split(';'))
        {
            var directive = part.AsSpan().Trim();
            if (directive.StartsWith(name, StringComparison.OrdinalIgnoreCase) &&
                (directive.Length == name.Length || char.IsWhiteSpace(directive[name.Length])))
            {
                return true;
            }
        }

        return false;
    }
}
