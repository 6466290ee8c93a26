using System.Text.RegularExpressions;

namespace Security.IntegrationTests;

/// <summary>What the scorer reads of one site: the page over HTTPS and the first answer of its http address.</summary>
/// <param name="Url">The HTTPS page's address.</param>
/// <param name="Headers">The page's response headers (content headers included), by name ignoring case.</param>
/// <param name="Html">The page's body when it is HTML, else <see langword="null"/>.</param>
/// <param name="SetCookies">Every <c>Set-Cookie</c> of the page's response.</param>
/// <param name="HttpFirstHop">The status and <c>Location</c> of the first answer to the page's http:// address.</param>
/// <param name="CorsHeaders">The page's response headers to a request carrying a foreign <c>Origin</c>.</param>
/// <param name="CrossDomainXml">The body of <c>/crossdomain.xml</c> when it answered 200, else <see langword="null"/>.</param>
/// <param name="ClientAccessPolicyXml">The body of <c>/clientaccesspolicy.xml</c> when it answered 200, else <see langword="null"/>.</param>
internal sealed record ObservatorySite(
    Uri Url,
    IReadOnlyDictionary<string, string[]> Headers,
    string? Html,
    IReadOnlyList<string> SetCookies,
    (int Status, Uri? Location) HttpFirstHop,
    IReadOnlyDictionary<string, string[]> CorsHeaders,
    string? CrossDomainXml,
    string? ClientAccessPolicyXml);

/// <summary>
/// One test's outcome: its result name as the Observatory spells it, and its score modifier. Passed here means no
/// penalty, which is stricter than the Observatory's own pass flag (it passes a CSP with http: images at -10).
/// </summary>
internal sealed record ObservatoryTest(string Name, string Result, int Modifier)
{
    public bool Passed => Modifier >= 0;

    public override string ToString() => $"{Name}: {Result} ({Modifier:+0;-0;0})";
}

/// <summary>The score (base 100, penalties, then bonuses if the score is still at least 90) and its grade.</summary>
internal sealed record ObservatoryScore(int Score, string Grade, IReadOnlyList<ObservatoryTest> Tests)
{
    public override string ToString() => $"{Grade} ({Score}): " + string.Join("; ", Tests);
}

/// <summary>
/// The MDN HTTP Observatory's scoring rules (mdn/mdn-http-observatory 1.4.8, its analyzer tests and grader's score table),
/// applied to responses a test already has: the ten tests (CSP, cookies, CORS, redirection, Referrer-Policy, HSTS,
/// SRI, X-Content-Type-Options, X-Frame-Options, CORP), their results and modifiers. What the real scanner adds and a
/// test cannot judge in process is left out: the certificate's validity (a self-signed test certificate would fail
/// HSTS and redirection there) and the HSTS preload list (no bonus here).
/// </summary>
internal static partial class ObservatoryScorer
{
    private static readonly string[] DangerouslyBroad = ["ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"];
    private static readonly string[] UnsafeInline = ["'unsafe-inline'", "data:"];
    private static readonly string[] PrivateReferrers = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
    private static readonly string[] UnsafeReferrers = ["origin", "origin-when-cross-origin", "unsafe-url"];
    private static readonly string[] ValidReferrers = [.. PrivateReferrers, .. UnsafeReferrers, "no-referrer-when-downgrade"];

    public static ObservatoryScore Score(ObservatorySite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var csp = ParseCsp(Values(site.Headers, "Content-Security-Policy"));
        var hsts = Hsts(site);
        ObservatoryTest[] tests =
        [
            Csp(csp, site.Url),
            Cookies(site, hsts.Result == "hsts-implemented-max-age-at-least-six-months"),
            Cors(site),
            Redirection(site),
            ReferrerPolicy(site),
            hsts,
            Sri(site),
            ContentTypeOptions(site),
            FrameOptions(site, csp),
            ResourcePolicy(site),
        ];

        var score = 100 + tests.Where(t => t.Modifier < 0).Sum(t => t.Modifier);

        // The grader gives bonus points only to a site that scores at least 90 without them.
        if (score >= 90)
        {
            score += tests.Where(t => t.Modifier > 0).Sum(t => t.Modifier);
        }

        score = Math.Max(score, 0);
        return new ObservatoryScore(score, Grade(score), tests);
    }

    public static string Grade(int score) => score switch
    {
        >= 100 => "A+",
        >= 90 => "A",
        >= 85 => "A-",
        >= 80 => "B+",
        >= 70 => "B",
        >= 65 => "B-",
        >= 60 => "C+",
        >= 50 => "C",
        >= 45 => "C-",
        >= 40 => "D+",
        >= 30 => "D",
        >= 25 => "D-",
        _ => "F",
    };

    private static string[] Values(IReadOnlyDictionary<string, string[]> headers, string name) =>
        headers.TryGetValue(name, out var values) ? values : [];

    private static ObservatoryTest Test(string name, string result, int modifier) => new(name, result, modifier);

    // Directive name -> sources (lowercased), per policy merged as the analyzer does; null when a directive other
    // than report-uri or report-to repeats within one policy (the analyzer calls that invalid, so that people notice).
    private static Dictionary<string, HashSet<string>>? ParseCsp(string[] headers)
    {
        var policy = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var raw in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = raw.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (!seen.Add(parts[0]))
                {
                    if (parts[0] is "report-uri" or "report-to")
                    {
                        continue;
                    }

                    return null;
                }

                policy.TryAdd(parts[0], [.. parts.Skip(1)]);
            }
        }

        return policy;
    }

    private static HashSet<string> Directive(Dictionary<string, HashSet<string>> csp, string name) =>
        csp.TryGetValue(name, out var sources) ? [.. sources] : csp.TryGetValue("default-src", out var defaults) ? [.. defaults] : ["*"];

    private static bool IsNonceOrHash(string source) =>
        source.StartsWith("'nonce-", StringComparison.Ordinal) || source.StartsWith("'sha256-", StringComparison.Ordinal) ||
        source.StartsWith("'sha384-", StringComparison.Ordinal) || source.StartsWith("'sha512-", StringComparison.Ordinal);

    // The analyzer's order: the first rule that matches decides.
    private static ObservatoryTest Csp(Dictionary<string, HashSet<string>>? csp, Uri url)
    {
        const string Name = "content-security-policy";
        if (csp is null)
        {
            return Test(Name, "csp-header-invalid", -25);
        }

        if (csp.Count == 0)
        {
            return Test(Name, "csp-not-implemented", -25);
        }

        var script = Directive(csp, "script-src");
        var style = Directive(csp, "style-src");
        var objects = Directive(csp, "object-src");

        // A nonce or hash makes browsers ignore 'unsafe-inline'.
        foreach (var sources in new[] { script, style })
        {
            if (sources.Any(IsNonceOrHash))
            {
                sources.Remove("'unsafe-inline'");
            }
        }

        // With a nonce or hash, 'strict-dynamic' makes browsers ignore schemes, 'self' and 'unsafe-inline'; without one it is invalid.
        if (script.Contains("'strict-dynamic'"))
        {
            if (!script.Any(IsNonceOrHash))
            {
                return Test(Name, "csp-header-invalid", -25);
            }

            script.RemoveWhere(s => DangerouslyBroad.Any(b => s.StartsWith(b, StringComparison.Ordinal)) || s is "'self'" or "'unsafe-inline'");
        }

        string[] passiveDirectives = ["img-src", "media-src"];
        var active = csp.Where(d => !passiveDirectives.Contains(d.Key) && d.Key != "script-src").SelectMany(d => d.Value).Concat(script);
        var passive = passiveDirectives.SelectMany(d => csp.TryGetValue(d, out var v) ? v : csp.GetValueOrDefault("default-src") ?? []);
        var https = url.Scheme == Uri.UriSchemeHttps;
        static bool Insecure(string s) => s.StartsWith("http:", StringComparison.Ordinal) || s.StartsWith("ftp:", StringComparison.Ordinal);

        if (script.Overlaps(DangerouslyBroad) || script.Overlaps(UnsafeInline) || objects.Overlaps(DangerouslyBroad))
        {
            return Test(Name, "csp-implemented-with-unsafe-inline", -20);
        }

        if (https && active.Any(Insecure))
        {
            return Test(Name, "csp-implemented-with-insecure-scheme", -20);
        }

        if (script.Contains("'unsafe-eval'") || style.Contains("'unsafe-eval'"))
        {
            return Test(Name, "csp-implemented-with-unsafe-eval", -10);
        }

        if (https && passive.Any(Insecure))
        {
            return Test(Name, "csp-implemented-with-insecure-scheme-in-passive-content-only", -10);
        }

        if (style.Overlaps(DangerouslyBroad) || style.Overlaps(UnsafeInline))
        {
            return Test(Name, "csp-implemented-with-unsafe-inline-in-style-src-only", 0);
        }

        return csp.TryGetValue("default-src", out var defaults) && defaults.SetEquals(["'none'"])
            ? Test(Name, "csp-implemented-with-no-unsafe-default-src-none", 10)
            : Test(Name, "csp-implemented-with-no-unsafe", 5);
    }

    private static ObservatoryTest Cookies(ObservatorySite site, bool hsts)
    {
        const string Name = "cookies";
        if (site.SetCookies.Count == 0)
        {
            return Test(Name, "cookies-not-found", 0);
        }

        var cookies = site.SetCookies.Select(c =>
        {
            var parts = c.Split(';', StringSplitOptions.TrimEntries);
            var name = parts[0].Split('=', 2)[0].ToLowerInvariant();
            var attributes = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p.Length > 1 ? p[1].ToLowerInvariant() : "", StringComparer.Ordinal);
            return (Name: name, Secure: attributes.ContainsKey("secure"), HttpOnly: attributes.ContainsKey("httponly"),
                SameSite: attributes.GetValueOrDefault("samesite"), Session: name.Contains("login", StringComparison.Ordinal) || name.Contains("sess", StringComparison.Ordinal),
                AntiCsrf: name.Contains("csrf", StringComparison.Ordinal));
        }).ToList();

        // Every cookie is judged; the worst finding decides.
        var findings = new List<ObservatoryTest>();
        foreach (var c in cookies)
        {
            if (!c.Secure && c.SameSite == "none")
            {
                findings.Add(Test(Name, "cookies-samesite-flag-invalid", -20));
            }

            if (!c.Secure)
            {
                findings.Add(hsts ? Test(Name, "cookies-without-secure-flag-but-protected-by-hsts", -5) : Test(Name, "cookies-without-secure-flag", -20));
            }

            if (c.AntiCsrf && c.SameSite is null)
            {
                findings.Add(Test(Name, "cookies-anticsrf-without-samesite-flag", -20));
            }

            if (c.Session && !c.Secure)
            {
                findings.Add(hsts ? Test(Name, "cookies-session-without-secure-flag-but-protected-by-hsts", -10) : Test(Name, "cookies-session-without-secure-flag", -40));
            }

            if (c.Session && !c.HttpOnly)
            {
                findings.Add(Test(Name, "cookies-session-without-httponly-flag", -30));
            }
        }

        if (findings.Count > 0)
        {
            return findings.MinBy(f => f.Modifier)!;
        }

        return cookies.All(c => c.SameSite is not null)
            ? Test(Name, "cookies-secure-with-httponly-sessions-and-samesite", 5)
            : Test(Name, "cookies-secure-with-httponly-sessions", 0);
    }

    private static ObservatoryTest Cors(ObservatorySite site)
    {
        const string Name = "cross-origin-resource-sharing";
        var allowOrigin = Values(site.CorsHeaders, "Access-Control-Allow-Origin").FirstOrDefault()?.Trim();
        var credentials = string.Equals(Values(site.CorsHeaders, "Access-Control-Allow-Credentials").FirstOrDefault()?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        bool Universal(string? xml) => xml is not null && AllowsAnyDomain().IsMatch(xml);
        if ((allowOrigin is not null && allowOrigin != "*" && credentials) || Universal(site.CrossDomainXml) || Universal(site.ClientAccessPolicyXml))
        {
            return Test(Name, "cross-origin-resource-sharing-implemented-with-universal-access", -50);
        }

        return allowOrigin switch
        {
            null => Test(Name, "cross-origin-resource-sharing-not-implemented", 0),
            "*" => Test(Name, "cross-origin-resource-sharing-implemented-with-public-access", 0),
            _ => Test(Name, "cross-origin-resource-sharing-implemented-with-restricted-access", 0),
        };
    }

    private static ObservatoryTest Redirection(ObservatorySite site)
    {
        const string Name = "redirection";
        var (status, location) = site.HttpFirstHop;
        if (status is not (301 or 302 or 303 or 307 or 308) || location is null)
        {
            return Test(Name, "redirection-missing", -20);
        }

        var target = location.IsAbsoluteUri ? location : new Uri(new Uri("http://" + site.Url.Host), location);
        if (target.Scheme != Uri.UriSchemeHttps)
        {
            return Test(Name, "redirection-not-to-https-on-initial-redirection", -10);
        }

        return string.Equals(target.Host, site.Url.Host, StringComparison.OrdinalIgnoreCase)
            ? Test(Name, "redirection-to-https", 0)
            : Test(Name, "redirection-off-host-from-http", -5);
    }

    private static ObservatoryTest ReferrerPolicy(ObservatorySite site)
    {
        const string Name = "referrer-policy";
        var values = Values(site.Headers, "Referrer-Policy").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(v => v.ToLowerInvariant()).ToList();
        if (values.Count == 0)
        {
            return Test(Name, "referrer-policy-not-implemented", 0);
        }

        // Browsers apply the last value they understand.
        var effective = values.LastOrDefault(v => ValidReferrers.Contains(v));
        return effective switch
        {
            null => Test(Name, "referrer-policy-header-invalid", -5),
            _ when PrivateReferrers.Contains(effective) => Test(Name, "referrer-policy-private", 5),
            "no-referrer-when-downgrade" => Test(Name, "referrer-policy-no-referrer-when-downgrade", 0),
            _ => Test(Name, "referrer-policy-unsafe", -5),
        };
    }

    private static ObservatoryTest Hsts(ObservatorySite site)
    {
        const string Name = "strict-transport-security";
        if (site.Url.Scheme != Uri.UriSchemeHttps)
        {
            return Test(Name, "hsts-not-implemented-no-https", -20);
        }

        var header = Values(site.Headers, "Strict-Transport-Security").FirstOrDefault();
        if (header is null)
        {
            return Test(Name, "hsts-not-implemented", -20);
        }

        var maxAge = MaxAge().Match(header);
        if (!maxAge.Success || !long.TryParse(maxAge.Groups[1].Value, out var seconds))
        {
            return Test(Name, "hsts-header-invalid", -20);
        }

        return seconds >= 15_768_000
            ? Test(Name, "hsts-implemented-max-age-at-least-six-months", 0)
            : Test(Name, "hsts-implemented-max-age-less-than-six-months", -10);
    }

    private static ObservatoryTest Sri(ObservatorySite site)
    {
        const string Name = "subresource-integrity";
        if (site.Html is null)
        {
            return Test(Name, "sri-not-implemented-response-not-html", 0);
        }

        // Every script element counts (inline ones too); those with a src are judged by origin, scheme and integrity.
        var scripts = ScriptTag().Matches(site.Html).Select(m => m.Value).ToList();
        if (scripts.Count == 0)
        {
            return Test(Name, "sri-not-implemented-but-no-scripts-loaded", 0);
        }

        var loaded = scripts.Where(tag => SrcAttribute().IsMatch(tag))
            .Select(tag => (Src: new Uri(site.Url, SrcAttribute().Match(tag).Groups[1].Value), Integrity: tag.Contains("integrity=", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var external = loaded.Where(s => !string.Equals(s.Src.Host, site.Url.Host, StringComparison.OrdinalIgnoreCase)).ToList();
        if (external.Count == 0)
        {
            // The analyzer grants the bonus for SRI on same-origin scripts too.
            return loaded.Count > 0 && loaded.All(s => s.Integrity && s.Src.Scheme == Uri.UriSchemeHttps)
                ? Test(Name, "sri-implemented-and-all-scripts-loaded-securely", 5)
                : Test(Name, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0);
        }

        var secure = external.All(s => s.Src.Scheme == Uri.UriSchemeHttps);
        return (external.All(s => s.Integrity), secure) switch
        {
            (true, true) => Test(Name, "sri-implemented-and-external-scripts-loaded-securely", 5),
            (true, false) => Test(Name, "sri-implemented-but-external-scripts-not-loaded-securely", -20),
            (false, true) => Test(Name, "sri-not-implemented-but-external-scripts-loaded-securely", -5),
            (false, false) => Test(Name, "sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        };
    }

    private static ObservatoryTest ContentTypeOptions(ObservatorySite site)
    {
        const string Name = "x-content-type-options";
        var values = Values(site.Headers, "X-Content-Type-Options");
        return values.Length == 0 ? Test(Name, "x-content-type-options-not-implemented", -5)
            : values.Length == 1 && values[0].Trim().Equals("nosniff", StringComparison.OrdinalIgnoreCase) ? Test(Name, "x-content-type-options-nosniff", 0)
            : Test(Name, "x-content-type-options-header-invalid", -5);
    }

    private static ObservatoryTest FrameOptions(ObservatorySite site, Dictionary<string, HashSet<string>>? csp)
    {
        const string Name = "x-frame-options";
        if (csp is not null && csp.ContainsKey("frame-ancestors"))
        {
            return Test(Name, "x-frame-options-implemented-via-csp", 5);
        }

        var values = Values(site.Headers, "X-Frame-Options");
        if (values.Length == 0)
        {
            return Test(Name, "x-frame-options-not-implemented", -20);
        }

        var value = values.Length == 1 ? values[0].Trim().ToUpperInvariant() : "";
        return value is "DENY" or "SAMEORIGIN" ? Test(Name, "x-frame-options-sameorigin-or-deny", 0)
            : value.StartsWith("ALLOW-FROM ", StringComparison.Ordinal) ? Test(Name, "x-frame-options-allow-from-origin", 0)
            : Test(Name, "x-frame-options-header-invalid", -20);
    }

    private static ObservatoryTest ResourcePolicy(ObservatorySite site)
    {
        const string Name = "cross-origin-resource-policy";
        var values = Values(site.Headers, "Cross-Origin-Resource-Policy");
        var value = values.Length == 1 ? values[0].Trim().ToLowerInvariant() : null;
        return values.Length == 0 ? Test(Name, "corp-not-implemented", 0)
            : value is "same-origin" or "same-site" ? Test(Name, "corp-implemented-with-" + value, 10)
            : value is "cross-origin" ? Test(Name, "corp-implemented-with-cross-origin", 0)
            : Test(Name, "corp-header-invalid", -5);
    }

    [GeneratedRegex(@"max-age\s*=\s*""?(\d+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex MaxAge();

    [GeneratedRegex(@"<script\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"\bsrc\s*=\s*[""']?([^""'\s>]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SrcAttribute();

    [GeneratedRegex(@"(allow-access-from[^>]*domain\s*=\s*[""']\*[""'])|(<domain[^>]*uri\s*=\s*[""']\*[""'])", RegexOptions.IgnoreCase)]
    private static partial Regex AllowsAnyDomain();
}
