using Security.Csp.Internal.Dashboard;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// Checks a policy for the weaknesses Google's CSP Evaluator reports: a missing <c>script-src</c>, <c>object-src</c> or
/// <c>base-uri</c>; <c>'unsafe-inline'</c> without a nonce or hash; <c>'unsafe-eval'</c>; <c>*</c> and bare schemes where
/// scripts load; plain-http and IP-address sources; hosts that serve script gadgets; short nonces; obsolete directives.
/// </summary>
internal static class CspPolicyLinter
{
    private static readonly string[] ScriptDirectives = ["script-src", "script-src-elem", "script-src-attr"];

    /// <param name="policy">The policy's name, as findings report it.</param>
    /// <param name="disposition"><c>enforce</c> or <c>report</c>.</param>
    /// <param name="header">The policy as header text; the per-request nonce as <c>'nonce-{nonce}'</c>.</param>
    public static List<CspPolicyFinding> Lint(string policy, string disposition, string header)
    {
        var findings = new List<CspPolicyFinding>();
        void Add(string directive, CspFindingSeverity severity, string kind, string message) =>
            findings.Add(new(policy, disposition, directive, severity, kind, message));

        var text = CspPolicyText.Parse(header);
        var defaultSrc = text.Sources("default-src");

        // Where scripts load from: the script directives the policy has, else default-src.
        var scripts = ScriptDirectives.Where(text.Declares).ToList();
        if (scripts.Count == 0 && defaultSrc is not null)
        {
            scripts.Add("default-src");
        }

        if (scripts.Count == 0)
        {
            Add("script-src", CspFindingSeverity.High, "missing-script-src", "no script-src and no default-src: scripts load from anywhere.");
        }

        foreach (var directive in scripts)
        {
            var sources = text.Sources(directive)!;
            var keyed = sources.Any(s => IsNonceOrHash(s) || Is(s, "'strict-dynamic'"));
            if (sources.Any(s => Is(s, "'unsafe-inline'")) && !keyed)
            {
                Add(directive, CspFindingSeverity.High, "unsafe-inline", "'unsafe-inline' without a nonce or hash lets injected inline script run; use nonces or hashes.");
            }

            if (sources.Any(s => Is(s, "'unsafe-eval'")))
            {
                Add(directive, CspFindingSeverity.Medium, "unsafe-eval", "'unsafe-eval' lets strings run as script (eval, new Function); remove it.");
            }

            // Browsers that know 'strict-dynamic' ignore host and scheme sources: they are only the fallback of older ones.
            if (sources.Any(s => Is(s, "'strict-dynamic'")))
            {
                continue;
            }

            foreach (var source in sources.Where(s => s == "*" || IsBareScheme(s)))
            {
                Add(directive, CspFindingSeverity.High, "wildcard", $"{source} allows scripts from any host; name the hosts, or use nonces.");
            }

            foreach (var host in sources.Select(CspSourceGrammar.HostOf).OfType<string>().Where(CspSourceGrammar.IsGadgetHost).Distinct())
            {
                Add(directive, CspFindingSeverity.High, "gadget-host", $"{host} serves script gadgets (JSONP endpoints or AngularJS builds) that bypass the policy; self-host the script instead.");
            }
        }

        var objectSrc = text.Sources("object-src") ?? defaultSrc;
        if (objectSrc is null)
        {
            Add("object-src", CspFindingSeverity.High, "missing-object-src", "no object-src and no default-src: plugins load from anywhere; add object-src 'none'.");
        }
        else if (!(objectSrc.Count == 1 && Is(objectSrc[0], "'none'")))
        {
            Add("object-src", CspFindingSeverity.Medium, "object-src-not-none", "plugins (object, embed) may load; set object-src 'none'.");
        }

        if (!text.Declares("base-uri"))
        {
            // A <base> element moves relative script URLs to the attacker's host, which a nonce does not stop.
            var keyedScripts = scripts.Any(d => text.Sources(d)!.Any(s => IsNonceOrHash(s) || Is(s, "'strict-dynamic'")));
            Add("base-uri", keyedScripts ? CspFindingSeverity.High : CspFindingSeverity.Medium, "missing-base-uri",
                "no base-uri: injected <base> elements can redirect relative script URLs; add base-uri 'self' or 'none'.");
        }

        foreach (var (directive, sources) in text.ToDirectives())
        {
            if (CspDirectives.All.TryGetValue(directive, out var info) && info.ObsoleteAdvice is { } advice)
            {
                Add(directive, CspFindingSeverity.Low, "deprecated", $"{directive} is obsolete and ignored by current browsers; {advice}.");
            }

            foreach (var source in sources)
            {
                if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("ws://", StringComparison.OrdinalIgnoreCase))
                {
                    Add(directive, CspFindingSeverity.Medium, "http-source", $"{source} is plain http: a network attacker can change what it serves; use https.");
                }

                if (CspSourceGrammar.HostOf(source) is { } host && Uri.CheckHostName(host.Trim('[', ']')) is UriHostNameType.IPv4 or UriHostNameType.IPv6)
                {
                    Add(directive, CspFindingSeverity.Low, "ip-source", $"{source} names an IP address; browsers ignore IP sources in some cases; use a host name.");
                }

                if (source.StartsWith("'nonce-", StringComparison.OrdinalIgnoreCase) && source != CspPolicyText.NonceSource && source.Length - "'nonce-'".Length < 8)
                {
                    Add(directive, CspFindingSeverity.Medium, "short-nonce", $"{source} is a short, fixed nonce that can be guessed; use the per-request nonce.");
                }
            }
        }

        return findings;
    }

    private static bool Is(string source, string keyword) => string.Equals(source, keyword, StringComparison.OrdinalIgnoreCase);

    private static bool IsNonceOrHash(string source) =>
        source.StartsWith("'nonce-", StringComparison.OrdinalIgnoreCase) || source.StartsWith("'sha", StringComparison.OrdinalIgnoreCase);

    private static bool IsBareScheme(string source) =>
        source.Length > 1 && source[^1] == ':' && source[..^1].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
}
