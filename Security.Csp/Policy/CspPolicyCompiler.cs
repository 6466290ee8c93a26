using System.Text;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;

namespace Security.Csp.Policy;

/// <summary>
/// Validates a <see cref="CspPolicyOptions"/> and turns it into ready header values. The options
/// validator and the middleware both use it, so what starts is exactly what was validated.
/// </summary>
internal static class CspPolicyCompiler
{
    private static readonly string[] Modes = [CspModes.Enforce, CspModes.ReportOnly, CspModes.EnforceAndReportOnly];
    private static readonly string[] DefaultNonceDirectives = ["script-src", "style-src"];

    public static CompiledCspPolicy? Compile(
        CspPolicyOptions policy, CspOptions root, string path, OptionsValidationErrors errors, List<string> warnings)
    {
        var failuresBefore = errors.Failures.Count;
        var enforce = true;
        var reportOnly = false;
        if (errors.RequireOneOf(path + ":Mode", policy.Mode, Modes))
        {
            enforce = !string.Equals(policy.Mode, CspModes.ReportOnly, StringComparison.OrdinalIgnoreCase);
            reportOnly = !string.Equals(policy.Mode, CspModes.Enforce, StringComparison.OrdinalIgnoreCase);
        }

        var main = Parse(policy.Policy, policy.PolicyString, path, "Policy", "PolicyString", policy.Nonce, errors, warnings);
        var separate = Parse(policy.ReportOnlyPolicy, policy.ReportOnlyPolicyString, path, "ReportOnlyPolicy", "ReportOnlyPolicyString", policy.Nonce, errors, warnings);

        var hasMain = policy.Policy is not null || policy.PolicyString is not null;
        var hasSeparate = policy.ReportOnlyPolicy is not null || policy.ReportOnlyPolicyString is not null;
        if (enforce && !hasMain)
        {
            errors.Add(path + ":Policy", $"mode '{policy.Mode}' needs a policy: set Policy (directive -> sources) or PolicyString.");
        }
        else if (!enforce && !hasMain && !hasSeparate)
        {
            errors.Add(path + ":Policy", $"mode '{policy.Mode}' needs a policy: set Policy, PolicyString, ReportOnlyPolicy or ReportOnlyPolicyString.");
        }

        if (errors.Failures.Count != failuresBefore)
        {
            return null;
        }

        var enforced = enforce ? main : null;
        var reported = reportOnly ? separate ?? main : null;
        AddReporting(enforced, root);
        AddReporting(reported, root);

        var endpoints = root.ReportToEndpoint is { } url
            ? new StringValues($"{root.ReportToGroup}=\"{url}\"")
            : StringValues.Empty;

        return new CompiledCspPolicy(
            Variant(enforced, reported, reportUri: true, reportTo: true, endpoints),
            Variant(enforced, reported, reportUri: true, reportTo: !root.ReportToHttpsOnly, root.ReportToHttpsOnly ? StringValues.Empty : endpoints),
            Variant(enforced, reported, reportUri: false, reportTo: false, StringValues.Empty));
    }

    /// <summary>Checks the options that are not part of a policy (reporting, sampling, the report endpoint).</summary>
    public static void ValidateRoot(CspOptions options, string path, OptionsValidationErrors errors)
    {
        if (options.ReportUri is not null)
        {
            RequireUriToken(path + ":ReportUri", options.ReportUri, errors);
        }

        if (options.ReportToEndpoint is not null && RequireUriToken(path + ":ReportToEndpoint", options.ReportToEndpoint, errors) &&
            (options.ReportToEndpoint.Contains('"', StringComparison.Ordinal) || options.ReportToEndpoint.Contains('\\', StringComparison.Ordinal)))
        {
            errors.Add(path + ":ReportToEndpoint", $"'{options.ReportToEndpoint}' cannot contain '\"' or '\\' (it is a quoted string in Reporting-Endpoints).");
        }

        if (!IsToken(options.ReportToGroup))
        {
            errors.Add(path + ":ReportToGroup", $"'{options.ReportToGroup}' must be a name of letters, digits, '-' and '_', e.g. csp-endpoint.");
        }

        if (!(options.ReportSamplingPercentage is >= 0 and <= 100))
        {
            errors.Add(path + ":ReportSamplingPercentage", $"'{options.ReportSamplingPercentage}' must be between 0 and 100.");
        }

        var reports = options.Reports;
        if (reports.MaxBodySize <= 0)
        {
            errors.Add(path + ":Reports:MaxBodySize", $"'{reports.MaxBodySize}' must be a positive number of bytes, e.g. 65536.");
        }

        if (reports.MaxJsonDepth is < 2 or > 64)
        {
            errors.Add(path + ":Reports:MaxJsonDepth", $"'{reports.MaxJsonDepth}' must be between 2 and 64.");
        }

        ValidateReportLimits(reports, path + ":Reports", errors);

        if (reports.QueueCapacity <= 0)
        {
            errors.Add(path + ":Reports:QueueCapacity", $"'{reports.QueueCapacity}' must be positive, e.g. 10000.");
        }

        if (reports.BatchSize <= 0)
        {
            errors.Add(path + ":Reports:BatchSize", $"'{reports.BatchSize}' must be positive, e.g. 100.");
        }

        if (reports.MaxRetries < 0)
        {
            errors.Add(path + ":Reports:MaxRetries", $"'{reports.MaxRetries}' cannot be negative.");
        }

        if (reports.RetryDelay < TimeSpan.Zero)
        {
            errors.Add(path + ":Reports:RetryDelay", $"'{reports.RetryDelay}' cannot be negative.");
        }
    }

    private static void ValidateReportLimits(CspReportOptions reports, string path, OptionsValidationErrors errors)
    {
        if (reports.MaxReportsPerRequest is < 1 or > 10_000)
        {
            errors.Add(path + ":MaxReportsPerRequest", $"'{reports.MaxReportsPerRequest}' must be between 1 and 10000, e.g. 100.");
        }

        var rateLimit = reports.RateLimit;
        if (rateLimit is null)
        {
            errors.Add(path + ":RateLimit", "is missing; set Enabled to false to turn the limit off.");
            return;
        }

        if (!rateLimit.Enabled)
        {
            return;
        }

        if (rateLimit.PermitLimit <= 0)
        {
            errors.Add(path + ":RateLimit:PermitLimit", $"'{rateLimit.PermitLimit}' must be a positive number of requests, e.g. 100.");
        }

        // Retry-After is whole seconds, and a window of days would lock a client out for days.
        if (rateLimit.Window < TimeSpan.FromSeconds(1) || rateLimit.Window > TimeSpan.FromDays(1))
        {
            errors.Add(path + ":RateLimit:Window", $"'{rateLimit.Window}' must be from 00:00:01 to 1.00:00:00, e.g. 00:01:00.");
        }
    }

    private static CspHeaderVariant Variant(
        List<CspDirectiveValue>? enforced, List<CspDirectiveValue>? reported, bool reportUri, bool reportTo, StringValues endpoints) =>
        new(Render(enforced, reportUri, reportTo), Render(reported, reportUri, reportTo), endpoints);

    private static void AddReporting(List<CspDirectiveValue>? directives, CspOptions root)
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

    private static CspHeaderTemplate? Render(List<CspDirectiveValue>? directives, bool reportUri, bool reportTo)
    {
        if (directives is null)
        {
            return null;
        }

        var segments = new List<string>();
        var text = new StringBuilder();
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
            }

            first = false;
            text.Append(directive.Name);
            foreach (var value in directive.Values)
            {
                if (value is null)
                {
                    text.Append(" 'nonce-");
                    segments.Add(text.ToString());
                    text.Clear().Append('\'');
                }
                else if (value.Length > 0)
                {
                    text.Append(' ').Append(value);
                }
            }
        }

        segments.Add(text.ToString());
        return new CspHeaderTemplate([.. segments]);
    }

    private static List<CspDirectiveValue>? Parse(
        Dictionary<string, string[]>? dictionary, string? raw, string path, string dictionaryName, string rawName,
        CspNonceOptions nonce, OptionsValidationErrors errors, List<string> warnings)
    {
        if (dictionary is not null && raw is not null)
        {
            errors.Add($"{path}:{dictionaryName}", $"both {dictionaryName} and {rawName} are set; give the policy one way only.");
            return null;
        }

        if (raw is not null)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                errors.Add($"{path}:{rawName}", "is empty; give a policy such as default-src 'self'.");
                return null;
            }

            if (!errors.RequireHeaderSafe($"{path}:{rawName}", raw))
            {
                return null;
            }

            if (nonce.Enabled)
            {
                errors.Add($"{path}:Nonce:Enabled", $"a per-request nonce needs the policy as {dictionaryName} (dictionary or builder); {rawName} is used verbatim.");
                return null;
            }

            return [new CspDirectiveValue(raw.Trim().TrimEnd(';').TrimEnd(), [], IsRaw: true)];
        }

        if (dictionary is null)
        {
            return null;
        }

        var option = $"{path}:{dictionaryName}";
        if (dictionary.Count == 0)
        {
            errors.Add(option, "is empty; give at least one directive, e.g. default-src: [self].");
            return null;
        }

        var result = new List<CspDirectiveValue>(dictionary.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, values) in dictionary)
        {
            var name = rawKey.Trim().ToLowerInvariant();
            var directiveOption = $"{option}:{rawKey}";
            if (!CspDirectives.All.TryGetValue(name, out var info))
            {
                errors.Add(directiveOption, $"'{rawKey}' is not a known directive; allowed: {string.Join(", ", CspDirectives.All.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add(directiveOption, $"directive '{name}' is given twice.");
                continue;
            }

            if (info.ObsoleteAdvice is { } advice)
            {
                warnings.Add($"{directiveOption}: the directive '{name}' is obsolete and ignored by current browsers; {advice}.");
            }

            if (ParseValues(name, info, values ?? [], directiveOption, errors) is { } parsed)
            {
                result.Add(new CspDirectiveValue(name, parsed));
            }
        }

        if (nonce.Enabled)
        {
            AddNonce(result, nonce, path, errors, warnings);
        }

        return result;
    }

    private static void AddNonce(List<CspDirectiveValue> directives, CspNonceOptions nonce, string path, OptionsValidationErrors errors, List<string> warnings)
    {
        var names = nonce.Directives ?? DefaultNonceDirectives;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i]?.Trim().ToLowerInvariant() ?? "";
            if (!CspDirectives.All.TryGetValue(name, out var info) || info.Kind != CspDirectiveKind.SourceList)
            {
                errors.Add($"{path}:Nonce:Directives[{i}]", $"'{names[i]}' is not a source-list directive such as script-src or style-src.");
                continue;
            }

            var existing = directives.Find(d => d.Name == name);
            if (existing is null)
            {
                // An absent directive falls back to default-src: copying its sources keeps that meaning.
                var fallback = directives.Find(d => d.Name == "default-src");
                if (fallback is null)
                {
                    warnings.Add($"{path}:Nonce:Directives[{i}]: '{name}' is not in the policy and there is no default-src to extend; no nonce is added there.");
                    continue;
                }

                existing = new CspDirectiveValue(name, [.. fallback.Values]);
                directives.Add(existing);
            }

            // 'none' next to a nonce would be ignored by browsers; the nonce alone says "only this".
            existing.Values.RemoveAll(v => v == "'none'");
            if (!existing.Values.Contains(null))
            {
                existing.Values.Add(null);
            }
        }
    }

    private static List<string?>? ParseValues(string name, CspDirectiveInfo info, string[] values, string option, OptionsValidationErrors errors)
    {
        var failuresBefore = errors.Failures.Count;
        var result = new List<string?>(values.Length);
        switch (info.Kind)
        {
            case CspDirectiveKind.SourceList:
                if (values.Length == 0)
                {
                    errors.Add(option, $"'{name}' needs a list of at least one source, e.g. [\"self\"]; use [\"none\"] to allow nothing.");
                }

                for (var i = 0; i < values.Length; i++)
                {
                    if (TryRenderSource(values[i], $"{option}[{i}]", errors, out var rendered) && !result.Contains(rendered))
                    {
                        result.Add(rendered);
                    }
                }

                break;

            case CspDirectiveKind.Sandbox:
                for (var i = 0; i < values.Length; i++)
                {
                    var token = values[i] ?? "";
                    if (token.Length == 0)
                    {
                        continue;
                    }

                    if (CspDirectives.SandboxTokens.Contains(token))
                    {
                        result.Add(token.ToLowerInvariant());
                    }
                    else
                    {
                        errors.Add($"{option}[{i}]", $"'{Printable(token)}' is not a sandbox token; allowed: \"\" (bare sandbox), {string.Join(", ", CspDirectives.SandboxTokens.Order(StringComparer.Ordinal))}.");
                    }
                }

                break;

            case CspDirectiveKind.NoValue:
                if (values.Any(v => !string.IsNullOrEmpty(v)))
                {
                    errors.Add(option, $"'{name}' takes no value; give [] or [\"\"].");
                }

                break;

            case CspDirectiveKind.ReportUri:
                if (values.Length != 1)
                {
                    errors.Add(option, $"'{name}' takes exactly one URI, e.g. [\"/csp-report\"]; got {values.Length}.");
                }
                else if (RequireUriToken($"{option}[0]", values[0], errors))
                {
                    result.Add(values[0]);
                }

                break;

            case CspDirectiveKind.ReportTo:
                if (values.Length != 1 || !IsToken(values[0]))
                {
                    errors.Add(option, $"'{name}' takes exactly one endpoint name of letters, digits, '-' and '_', e.g. [\"csp-endpoint\"]; got [{string.Join(", ", values.Select(v => $"'{Printable(v)}'"))}].");
                }
                else
                {
                    result.Add(values[0]);
                }

                break;

            case CspDirectiveKind.OneOf:
                var allowed = info.Allowed!;
                if (values.Length != 1 || !allowed.Contains(values[0], StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(option, $"[{string.Join(", ", values.Select(v => $"'{Printable(v)}'"))}] is not valid for '{name}'; give one of: {string.Join(", ", allowed)}.");
                }
                else
                {
                    var value = values[0].ToLowerInvariant();
                    result.Add(name == "require-trusted-types-for" ? $"'{value}'" : value);
                }

                break;

            case CspDirectiveKind.TokenList:
                for (var i = 0; i < values.Length; i++)
                {
                    if (CheckInjection(values[i], $"{option}[{i}]", errors))
                    {
                        result.Add(values[i]);
                    }
                }

                break;
        }

        return errors.Failures.Count == failuresBefore ? result : null;
    }

    private static bool TryRenderSource(string? value, string option, OptionsValidationErrors errors, out string? rendered)
    {
        rendered = null;
        if (!CheckInjection(value, option, errors))
        {
            return false;
        }

        var source = value!;
        if (string.Equals(source, CspDirectives.NonceSource, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (source.Length >= 2 && source[0] == '\'' && source[^1] == '\'')
        {
            var inner = source[1..^1];
            if (CspDirectives.Keywords.Contains(inner) || IsHashOrNonce(inner))
            {
                rendered = source;
                return true;
            }

            errors.Add(option, $"'{source}' is not a CSP keyword, nonce or hash; keywords are: {string.Join(", ", CspDirectives.Keywords.Order(StringComparer.Ordinal))}.");
            return false;
        }

        if (CspDirectives.Keywords.Contains(source))
        {
            rendered = $"'{source.ToLowerInvariant()}'";
            return true;
        }

        if (IsHashOrNonce(source))
        {
            rendered = $"'{source}'";
            return true;
        }

        if (source.Contains('\'', StringComparison.Ordinal) || source.Contains('"', StringComparison.Ordinal))
        {
            errors.Add(option, $"'{source}' is not a valid source: quotes belong only around a whole keyword (write self, not 'self).");
            return false;
        }

        rendered = source;
        return true;
    }

    // Sources are single tokens: these characters would end the source, the directive or the header.
    private static bool CheckInjection(string? value, string option, OptionsValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(option, "an empty source is not allowed.");
            return false;
        }

        foreach (var c in value)
        {
            var problem = c switch
            {
                '\r' => "CR",
                '\n' => "LF",
                ';' => "';'",
                ',' => "','",
                _ when c is ' ' or '\t' => "whitespace",
                _ when c < 0x20 || c > 0x7E => "a control or non-ASCII character",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(option, $"'{Printable(value)}' contains {problem}, which would change the header (header injection); give one source per array item.");
                return false;
            }
        }

        return true;
    }

    private static bool RequireUriToken(string option, string? value, OptionsValidationErrors errors) =>
        CheckInjection(value, option, errors);

    private static bool IsHashOrNonce(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == value.Length - 1)
        {
            return false;
        }

        var prefix = value[..dash].ToLowerInvariant();
        if (prefix is not ("nonce" or "sha256" or "sha384" or "sha512"))
        {
            return false;
        }

        foreach (var c in value.AsSpan(dash + 1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Printable(string? value) =>
        value is null ? "(null)" : value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
