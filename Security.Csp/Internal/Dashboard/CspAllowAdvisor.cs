using System.Collections.Frozen;
using System.Globalization;
using Security.Abstractions;
using Security.Csp.Internal.Policy;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// Says, for a group of violation reports, which source expression would allow what was blocked, written for the
/// directive the app's policy actually uses (browsers fall back from <c>script-src-elem</c> to <c>script-src</c> to
/// <c>default-src</c>, and so on), or why allowing it would be unsafe. Merges into the policy every safe answer that
/// reports from enough distinct client addresses ask for. Reports are attacker input: only known directive names and
/// sources of <see cref="CspSourceGrammar"/> come out, and the directives that guard against script injection, plugins,
/// framing and redirected forms get advice only.
/// </summary>
internal sealed class CspAllowAdvisor
{
    public const string InlineScriptAdvice = "Inline script: give the script element the page's nonce (or allow its hash); 'unsafe-inline' would allow injected scripts too.";
    public const string InlineStyleAdvice = "Inline style: give the style element the page's nonce (or allow its hash); 'unsafe-inline' would allow injected styles too.";
    public const string ScriptAttributeAdvice = "Inline event handler (onclick=...): move it into a script file with addEventListener; allowing it needs 'unsafe-hashes' or 'unsafe-inline'.";
    public const string StyleAttributeAdvice = "Style attribute: move it into a stylesheet or set it from script through element.style; allowing it needs 'unsafe-hashes' or 'unsafe-inline'.";
    public const string EvalAdvice = "eval(), new Function() or a string given to setTimeout: avoid them; 'unsafe-eval' would let injected text run as script.";
    public const string SchemeScriptAdvice = "A script from a data: or blob: URL: serve it as a file from an allowed origin; allowing the scheme would let injected markup run any script.";
    public const string SchemeAdvice = "A {0}: URL was blocked by {1}: add {0}: to {1} yourself only if the page creates such URLs; a suggestion never adds a scheme, which would allow any content of that kind from anywhere.";
    public const string WasmAdvice = "WebAssembly compilation: add 'wasm-unsafe-eval' to script-src yourself if the app uses WebAssembly; script-src is never widened from reports.";
    public const string ScriptHostAdvice = "A script from {0} was blocked by {1}: if it is the app's own, serve it from the app's origin or give its element the nonce; {1} is never widened from reports, which anyone can send.";
    public const string GuardAdvice = "{0} blocked {1}: {0} guards against injected markup, so it is never widened from reports, which anyone can send; add the source yourself only if the app needs it.";
    public const string IpAddressAdvice = "The blocked URL names an IP address: allow a host name instead; a suggestion never adds an IP address.";
    public const string GadgetNote = " {0} serves script gadgets (JSONP endpoints or old AngularJS builds) that let injected markup run script: never allow it in script-src.";
    public const string ObjectAdvice = "Plugins (object, embed): keep object-src 'none'; nothing current needs them.";
    public const string StrictDynamicAdvice = "The policy uses 'strict-dynamic', which ignores host sources: load the script from a script that has the nonce, or give its script element the nonce.";
    public const string ExtensionAdvice = "Sent by a browser extension, not by the page: nothing to allow.";
    public const string TrustedTypesAdvice = "Trusted Types: pass the value through a Trusted Types policy instead of a string.";
    public const string UnknownAdvice = "The report does not say what was blocked precisely enough to allow it.";
    public const string UnknownDirectiveAdvice = "The report names no CSP fetch directive this advisor knows: nothing to allow.";

    // Directives whose widening would let injected markup run script, be framed or send the page's data away: a report
    // (anyone can send one) earns them advice, never an automatic allow.
    private static readonly FrozenSet<string> AdviceOnly = new[]
    {
        "script-src", "script-src-elem", "script-src-attr", "worker-src", "object-src", "frame-ancestors", "base-uri", "form-action",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Directives that also govern other kinds of fetch (default-src every one, child-src workers): never widened, the
    // effective directive is added beside them instead, starting from their sources.
    private static readonly FrozenSet<string> SharedFallbacks = new[] { "default-src", "child-src" }.ToFrozenSet(StringComparer.Ordinal);

    // Which directive governs a fetch when the policy lacks the effective one, in browser order.
    private static readonly FrozenDictionary<string, string[]> Fallbacks = new Dictionary<string, string[]>
    {
        ["script-src-elem"] = ["script-src-elem", "script-src", "default-src"],
        ["script-src-attr"] = ["script-src-attr", "script-src", "default-src"],
        ["script-src"] = ["script-src", "default-src"],
        ["style-src-elem"] = ["style-src-elem", "style-src", "default-src"],
        ["style-src-attr"] = ["style-src-attr", "style-src", "default-src"],
        ["style-src"] = ["style-src", "default-src"],
        ["worker-src"] = ["worker-src", "child-src", "script-src", "default-src"],
        ["frame-src"] = ["frame-src", "child-src", "default-src"],
        ["fenced-frame-src"] = ["fenced-frame-src", "frame-src", "child-src", "default-src"],
        ["child-src"] = ["child-src", "default-src"],
        ["img-src"] = ["img-src", "default-src"],
        ["font-src"] = ["font-src", "default-src"],
        ["connect-src"] = ["connect-src", "default-src"],
        ["media-src"] = ["media-src", "default-src"],
        ["object-src"] = ["object-src", "default-src"],
        ["manifest-src"] = ["manifest-src", "default-src"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ExtensionSchemes = new[]
    {
        "chrome-extension", "moz-extension", "safari-extension", "safari-web-extension", "ms-browser-extension",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly CspPolicyText? _policy;
    private readonly string _disposition;

    /// <param name="policy">The app's policy as header text (enforced when it enforces one, else its report-only policy).</param>
    /// <param name="disposition">The disposition of the reports that policy produces: <c>enforce</c> or <c>report</c>.</param>
    public CspAllowAdvisor(string? policy, string disposition)
    {
        _policy = string.IsNullOrWhiteSpace(policy) ? null : CspPolicyText.Parse(policy);
        _disposition = disposition;
    }

    /// <summary>Builds the advisor from the app's compiled default policy.</summary>
    public static CspAllowAdvisor For(CspPolicyProvider provider)
    {
        var policy = provider.Default.WithoutReports;
        return policy.Enforce is { } enforced
            ? new CspAllowAdvisor(enforced.ToString(), "enforce")
            : new CspAllowAdvisor(policy.ReportOnly?.ToString(), "report");
    }

    public CspAllowAdvice Advise(CspReportGroup group) => Advise(group.EffectiveDirective, group.BlockedUri, group.DocumentUri);

    public CspAllowAdvice Advise(string? effectiveDirective, string? blockedUri, string? documentUri)
    {
        var decision = Decide(effectiveDirective, blockedUri, documentUri);
        if (decision.Directive is not { } directive)
        {
            return new(null, decision.Advice);
        }

        var seed = decision.Seed?.Where(s => s != "'none'") ?? [];
        return new(string.Join(' ', [directive, .. seed, decision.Source!]), decision.Advice);
    }

    /// <summary>
    /// The policy with the <c>allow</c> of every group of the policy's own disposition merged in whose reports came from at
    /// least <paramref name="minClients"/> distinct addresses (<see cref="CspReportGroup.DistinctSenders"/>), or
    /// <see langword="null"/> when the app has no policy to start from.
    /// </summary>
    public CspPolicyText? Suggest(IEnumerable<CspReportGroup> groups, int minClients)
    {
        if (_policy is null)
        {
            return null;
        }

        var suggested = _policy.Clone();
        foreach (var group in groups)
        {
            if ((group.DistinctSenders ?? 0) >= minClients &&
                (group.Disposition is null || string.Equals(group.Disposition, _disposition, StringComparison.OrdinalIgnoreCase)) &&
                Decide(group.EffectiveDirective, group.BlockedUri, group.DocumentUri) is { Directive: { } directive, Source: { } source } decision &&
                CspSourceGrammar.IsSuggestible(source))
            {
                suggested.Add(directive, source, decision.Seed);
            }
        }

        // The grammar makes this hold; should it ever not, the operator gets the app's own policy rather than a broken one.
        var errors = new OptionsValidationErrors();
        CspPolicyCompiler.Compile(new SecurityCspOptions { PolicyString = suggested.ToString() }, new SecurityCspOptions(), SecurityCspOptions.SectionName, errors, []);
        return errors.IsEmpty ? suggested : _policy.Clone();
    }

    // Everything below reads attacker text: the directive is looked up in the known set, the source parsed and written
    // anew by the grammar; nothing of the report is copied into an allow.
    private Decision Decide(string? effectiveDirective, string? blockedUri, string? documentUri)
    {
        var directive = DirectiveName(effectiveDirective);
        var blocked = blockedUri?.Trim();
        if (directive is null)
        {
            return new(UnknownDirectiveAdvice);
        }

        if (string.IsNullOrEmpty(blocked))
        {
            return new(UnknownAdvice);
        }

        var isScript = directive.StartsWith("script-src", StringComparison.Ordinal) || directive == "worker-src";
        var isStyle = directive.StartsWith("style-src", StringComparison.Ordinal);
        switch (blocked.ToLowerInvariant())
        {
            case "inline":
                return new(directive switch
                {
                    "script-src-attr" => ScriptAttributeAdvice,
                    "style-src-attr" => StyleAttributeAdvice,
                    _ when isStyle => InlineStyleAdvice,
                    _ => InlineScriptAdvice,
                });
            case "eval":
                return new(EvalAdvice);
            case "wasm-eval":
                return new(WasmAdvice);
            case "trusted-types-policy" or "trusted-types-sink":
                return new(TrustedTypesAdvice);
            case "self":
                return Allow(directive, "'self'", null);
        }

        if (directive == "object-src")
        {
            return new(ObjectAdvice);
        }

        // Chromium reports "data" and "blob"; Firefox may send the whole URL.
        var scheme = SchemeOf(blocked);
        if (scheme is "data" or "blob" or "filesystem")
        {
            return new(isScript ? SchemeScriptAdvice : string.Format(CultureInfo.InvariantCulture, SchemeAdvice, scheme, Target(directive)));
        }

        if (scheme is not null && ExtensionSchemes.Contains(scheme))
        {
            return new(ExtensionAdvice);
        }

        if (!CspSourceGrammar.TryRenderOrigin(blocked, out var origin, out var host, out var isIpAddress))
        {
            return new(isIpAddress ? IpAddressAdvice : UnknownAdvice);
        }

        var gadget = CspSourceGrammar.IsGadgetHost(host) ? string.Format(CultureInfo.InvariantCulture, GadgetNote, host) : null;
        var source = IsSameOrigin(blocked, documentUri) ? "'self'" : origin;
        if (isScript)
        {
            var advice = Sources(Governing(directive))?.Contains("'strict-dynamic'", StringComparer.OrdinalIgnoreCase) ?? false
                ? StrictDynamicAdvice
                : string.Format(CultureInfo.InvariantCulture, ScriptHostAdvice, source, Governing(directive));
            return new(advice + gadget);
        }

        return AdviceOnly.Contains(directive)
            ? new(string.Format(CultureInfo.InvariantCulture, GuardAdvice, directive, source) + gadget)
            : Allow(directive, source, gadget);
    }

    // Widens the directive that governs the fetch, unless that one also governs other kinds of fetch: then the effective
    // directive is added with the governing one's sources, so no script, plugin or worker gains the source too.
    private Decision Allow(string directive, string source, string? note)
    {
        if (AdviceOnly.Contains(directive))
        {
            return new(string.Format(CultureInfo.InvariantCulture, GuardAdvice, directive, source) + note);
        }

        if (!Fallbacks.ContainsKey(directive))
        {
            return new(UnknownDirectiveAdvice);
        }

        var governing = Governing(directive);
        var target = Target(directive);
        return target == governing
            ? new(note?.TrimStart(), governing, source, null)
            : new(note?.TrimStart(), target, source, Sources(governing) ?? []);
    }

    // The directive an allow goes into: the governing one, unless that one governs other kinds of fetch too.
    private string Target(string directive) => Governing(directive) is var governing && SharedFallbacks.Contains(governing) ? directive : governing;

    // The directive name of a report: the first word (older reports carry the violated directive with its sources,
    // "script-src 'self'"), lower-case, and only when it is a directive of CSP.
    private static string? DirectiveName(string? value)
    {
        var name = value?.Trim().Split([' ', '\t'], 2)[0].ToLowerInvariant();
        return name is not null && CspDirectives.All.ContainsKey(name) && name.All(c => char.IsAsciiLetterLower(c) || c == '-') ? name : null;
    }

    // The first directive of the fallback chain the policy declares; the effective one itself when it declares none.
    private string Governing(string directive)
    {
        if (_policy is not null && Fallbacks.TryGetValue(directive, out var chain))
        {
            foreach (var candidate in chain)
            {
                if (_policy.Declares(candidate))
                {
                    return candidate;
                }
            }
        }

        return directive;
    }

    private IReadOnlyList<string>? Sources(string directive) => _policy?.Sources(directive);

    private static string? SchemeOf(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? value : value[..colon];
        return scheme.Length > 0 && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') ? scheme.ToLowerInvariant() : null;
    }

    private static bool IsSameOrigin(string blockedUri, string? documentUri)
    {
        if (!Uri.TryCreate(blockedUri, UriKind.Absolute, out var blocked) ||
            !Uri.TryCreate(documentUri, UriKind.Absolute, out var document) ||
            !string.Equals(blocked.Host, document.Host, StringComparison.OrdinalIgnoreCase) ||
            Port(blocked) != Port(document))
        {
            return false;
        }

        // 'self' also matches the secure upgrade of the page's scheme, and WebSockets to the same host.
        return (blocked.Scheme, document.Scheme) switch
        {
            var (b, d) when b == d => true,
            ("https", "http") or ("wss", "https") or ("ws", "http") or ("wss", "http") => true,
            _ => false,
        };
    }

    private static int Port(Uri uri) => uri.IsDefaultPort ? (uri.Scheme is "http" or "ws" ? 80 : 443) : uri.Port;

    /// <summary>An allow (<paramref name="Directive"/> gains <paramref name="Source"/>, added with <paramref name="Seed"/> when absent), advice, or both.</summary>
    private readonly record struct Decision(string? Advice, string? Directive = null, string? Source = null, IReadOnlyList<string>? Seed = null);
}
