using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp.Internal.Dashboard;

namespace Security.Csp.Internal.Policy;

/// <summary>The compiled default and named policies, built once at startup.</summary>
internal sealed partial class CspPolicyProvider
{
    private const string DefaultName = "default";

    private readonly Dictionary<string, CompiledCspPolicy> _named;
    private readonly ILogger<CspPolicyProvider> _logger;

    public CspPolicyProvider(IOptions<SecurityCspOptions> options, ILogger<CspPolicyProvider> logger)
    {
        var errors = new OptionsValidationErrors();
        var warnings = new List<string>();
        var (compiled, named, api) = SecurityCspOptionsValidator.Compile(options.Value, errors, warnings);
        if (!errors.IsEmpty || compiled is null)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SecurityCspOptions), errors.Failures);
        }

        foreach (var warning in warnings)
        {
            Log.ConfigurationWarning(logger, warning);
        }

        Default = compiled;
        _named = named;
        Api = api;
        _logger = logger;

        // The linter runs on what the app will send; each high finding is one startup warning.
        Findings = [.. Lint(DefaultName, compiled).Concat(named.SelectMany(n => Lint(n.Key, n.Value))).Concat(api is null ? [] : Lint("api", api))];
        foreach (var finding in Findings.Where(f => f.Severity == CspFindingSeverity.High))
        {
            Log.PolicyWeakness(logger, finding.Policy, finding.Disposition, finding.Directive, finding.Kind, finding.Message);
        }
    }

    public CompiledCspPolicy Default { get; }

    /// <summary>The policy of API endpoints' non-HTML responses; <see langword="null"/> when <c>UseApiPolicy</c> is off.</summary>
    public CompiledCspPolicy? Api { get; }

    /// <summary>What the linter found in the default and the named policies, enforced and report-only.</summary>
    public IReadOnlyList<CspPolicyFinding> Findings { get; }

    public CompiledCspPolicy Get(string name) =>
        _named.TryGetValue(name, out var policy)
            ? policy
            : throw new InvalidOperationException(
                $"The endpoint requires the CSP policy '{name}', which is not configured. Add it with AddSecurityCsp().AddPolicy(\"{name}\", ...) or under Security:Csp:Policies:{name}.");

    /// <summary>Fails at startup when a mapped endpoint names a policy that is not configured.</summary>
    public void ValidateEndpoints(IEnumerable<Endpoint> endpoints)
    {
        var missing = new List<string>();
        var componentPolicies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<IDisableCspMetadata>() is not null)
            {
                continue;
            }

            var named = endpoint.Metadata.GetMetadata<ICspPolicyMetadata>();
            if (named is not null && !_named.ContainsKey(named.PolicyName))
            {
                missing.Add($"'{endpoint.DisplayName}' requires the CSP policy '{named.PolicyName}'");
            }
            else if (endpoint.Metadata.GetMetadata<RootComponentMetadata>() is not null)
            {
                componentPolicies.Add(named?.PolicyName ?? DefaultName);
            }
        }

        foreach (var name in componentPolicies)
        {
            WarnIfBaseBlocked(name, name == DefaultName ? Default : _named[name]);
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown CSP policy: {string.Join("; ", missing)}. Add it with AddSecurityCsp().AddPolicy(name, ...) or under Security:Csp:Policies:<name>.");
        }
    }

    // Razor component pages (the blazor template's App.razor) set <base href="/">, and Blazor resolves every relative URL
    // (blazor.web.js, styles, navigation) against it: under base-uri 'none' the browser drops it and the app dies silently.
    private void WarnIfBaseBlocked(string name, CompiledCspPolicy policy)
    {
        var headers = policy.WithoutReports;
        var reported = headers.ReportOnly?.ToString() == headers.Enforce?.ToString() ? null : headers.ReportOnly;
        foreach (var (disposition, header) in new[] { (CspModes.Enforce, headers.Enforce), ("report", reported) })
        {
            if (header is not null &&
                CspPolicyText.Parse(header.ToString()!).Sources("base-uri") is [var only] &&
                string.Equals(only, "'none'", StringComparison.OrdinalIgnoreCase))
            {
                Log.PolicyWeakness(_logger, name, disposition, "base-uri", "base-uri-blocks-blazor",
                    "base-uri 'none' blocks the <base href> that Razor component pages render, so Blazor resolves its scripts and styles against the wrong path; use base-uri 'self' (p.ForBlazorWebApp() does).");
            }
        }
    }

    private static IEnumerable<CspPolicyFinding> Lint(string name, CompiledCspPolicy policy)
    {
        var headers = policy.WithoutReports;
        var enforced = headers.Enforce?.ToString();
        var reported = headers.ReportOnly?.ToString();
        var findings = enforced is null ? [] : CspPolicyLinter.Lint(name, CspModes.Enforce, enforced);

        // The report-only header carries the enforced policy when no separate one is given: no second list of the same findings.
        return reported is null || reported == enforced ? findings : findings.Concat(CspPolicyLinter.Lint(name, "report", reported));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, EventName = "CspPolicyWeakness", Level = LogLevel.Warning,
            Message = "Content Security Policy '{Policy}' ({Disposition}), directive {Directive}: {Kind}: {Finding}")]
        public static partial void PolicyWeakness(ILogger logger, string policy, string disposition, string directive, string kind, string finding);

        [LoggerMessage(EventId = 3001, EventName = "CspConfigurationWarning", Level = LogLevel.Warning,
            Message = "Content Security Policy configuration: {Warning}")]
        public static partial void ConfigurationWarning(ILogger logger, string warning);
    }
}
