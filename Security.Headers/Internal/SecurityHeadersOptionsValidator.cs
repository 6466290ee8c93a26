using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Headers.Internal;

/// <summary>Validates <see cref="SecurityHeadersOptions"/> at startup, reporting every failure at once with its option path.</summary>
internal sealed class SecurityHeadersOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<SecurityHeadersOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsValidationErrors();

        RequireValue(errors, "FrameOptions", options.FrameOptions, HeaderValues.FrameOptionsAllowed, HeaderValues.TryFrameOptions);
        RequireValue(errors, "ReferrerPolicy", options.ReferrerPolicy, HeaderValues.ReferrerPolicyAllowed, HeaderValues.TryReferrerPolicy);
        RequireToken(errors, "ContentTypeOptions", options.ContentTypeOptions, HeaderValues.ContentTypeOptionsAllowed);
        RequireToken(errors, "CrossOriginOpenerPolicy", options.CrossOriginOpenerPolicy, HeaderValues.OpenerPolicyAllowed);
        RequireToken(errors, "CrossOriginEmbedderPolicy", options.CrossOriginEmbedderPolicy, HeaderValues.EmbedderPolicyAllowed);
        RequireToken(errors, "CrossOriginResourcePolicy", options.CrossOriginResourcePolicy, HeaderValues.ResourcePolicyAllowed);
        RequireToken(errors, "PermittedCrossDomainPolicies", options.PermittedCrossDomainPolicies, HeaderValues.CrossDomainPoliciesAllowed);
        RequireToken(errors, "OriginAgentCluster", options.OriginAgentCluster, HeaderValues.OriginAgentClusterAllowed);
        RequireToken(errors, "DnsPrefetchControl", options.DnsPrefetchControl, HeaderValues.DnsPrefetchControlAllowed);

        var permissions = Path("PermissionsPolicy");
        if (options.PermissionsPolicy is null)
        {
            errors.Add(permissions, "is null; use '' for no features of your own, 'off' to send no header.");
        }
        else if (errors.RequireHeaderSafe(permissions, options.PermissionsPolicy) && !string.IsNullOrWhiteSpace(options.PermissionsPolicy) &&
                 !HeaderValues.IsOff(options.PermissionsPolicy) && !PermissionsPolicySyntax.IsValid(options.PermissionsPolicy))
        {
            errors.Add(permissions, $"'{options.PermissionsPolicy}' is not a valid policy; expected 'off' or items like camera=(), geolocation=(self \"https://maps.example\"), fullscreen=*.");
        }

        errors.RequireList(configuration, Path("AdditionalFingerprintingHeaders"));
        for (var i = 0; i < options.AdditionalFingerprintingHeaders.Count; i++)
        {
            var header = options.AdditionalFingerprintingHeaders[i];
            var option = Path($"AdditionalFingerprintingHeaders[{i}]");
            if (errors.RequireHeaderSafe(option, header) && !IsHeaderName(header?.Trim() ?? ""))
            {
                errors.Add(option, $"'{header}' is not a header name; expected letters, digits and !#$%&'*+-.^_`|~, e.g. X-Backend-Host.");
            }
        }

        errors.RequireList(configuration, Path("FrameOptionsExcludePaths"));
        errors.RequirePathPatterns(Path("FrameOptionsExcludePaths"), options.FrameOptionsExcludePaths);

        var hsts = options.StrictTransportSecurity;
        if (hsts.MaxAge < TimeSpan.Zero)
        {
            errors.Add(Path("StrictTransportSecurity:MaxAge"), $"'{hsts.MaxAge}' must not be negative, e.g. 365.00:00:00.");
        }

        if (hsts.Preload && (!hsts.IncludeSubDomains || hsts.MaxAge < TimeSpan.FromDays(365)))
        {
            errors.Add(Path("StrictTransportSecurity:Preload"), $"'true' requires IncludeSubDomains 'true' and MaxAge of at least 365 days (got IncludeSubDomains '{hsts.IncludeSubDomains}', MaxAge '{hsts.MaxAge}').");
        }

        errors.RequireList(configuration, Path("ClearSiteData:Paths"));
        for (var i = 0; i < options.ClearSiteData.Paths.Count; i++)
        {
            errors.RequireLocalPath(Path($"ClearSiteData:Paths[{i}]"), options.ClearSiteData.Paths[i]);
        }

        errors.RequireList(configuration, Path("ClearSiteData:Directives"));
        for (var i = 0; i < options.ClearSiteData.Directives.Count; i++)
        {
            var directive = options.ClearSiteData.Directives[i];
            var option = Path($"ClearSiteData:Directives[{i}]");
            if (errors.RequireHeaderSafe(option, directive))
            {
                errors.RequireOneOf(option, directive?.Trim(), HeaderValues.ClearSiteDataDirectives);
            }
        }

        var caching = options.NoConfidentialCaching;
        errors.RequireList(configuration, Path("NoConfidentialCaching:WhitelistPaths"));
        errors.RequireList(configuration, Path("NoConfidentialCaching:BlacklistPaths"));
        errors.RequirePathPatterns(Path("NoConfidentialCaching:WhitelistPaths"), caching.WhitelistPaths);
        errors.RequirePathPatterns(Path("NoConfidentialCaching:BlacklistPaths"), caching.BlacklistPaths);

        return errors.ToResult();
    }

    // RFC 9110 token characters.
    private static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static string Path(string option) => SecurityHeadersOptions.SectionName + ":" + option;

    private delegate bool Parser(string? value, out string? header);

    private static void RequireToken(OptionsValidationErrors errors, string option, string? value, string[] allowed) =>
        RequireValue(errors, option, value, allowed, (string? v, out string? h) => HeaderValues.TryToken(v, allowed, out h));

    private static void RequireValue(OptionsValidationErrors errors, string option, string? value, string[] allowed, Parser parse)
    {
        var path = Path(option);
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, $"is empty; use 'off' to send no header; allowed values: {string.Join(", ", allowed)}.");
            return;
        }

        // Checked first so a CR/LF value is reported as such, escaped, not echoed raw into the message.
        if (!errors.RequireHeaderSafe(path, value))
        {
            return;
        }

        if (!parse(value, out _))
        {
            errors.Add(path, $"'{value}' is not valid; allowed values: {string.Join(", ", allowed)}.");
        }
    }
}
