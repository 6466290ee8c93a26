using FsCheck;
using FsCheck.Fluent;
using Security.Abstractions;
using Security.Csp.Internal.Dashboard;
using Security.Csp.Internal.Policy;

namespace Security.Csp.Tests;

/// <summary>
/// Random directive names and blocked URLs (known names with injected tails, keywords, wildcards, schemes, user info,
/// addresses, odd characters), each group with enough distinct clients: whatever reaches the suggested policy is a known
/// directive with the app's own sources or sources of the closed grammar, and the policy passes the app's own compiler.
/// </summary>
public sealed class CspSuggestionGrammarFuzzTests
{
    private const string AppPolicy =
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    private const string Page = "https://app.example/shop";

    private static readonly string[] Names = [.. CspDirectives.All.Keys, "other", "", " ", "IMG-SRC", "img-src ", " img-src"];

    private static readonly string[] Tails =
        ["", ";", "; script-src 'unsafe-inline'", "\tscript-src", ",", "\r\nscript-src *", " 'self'", " 'unsafe-eval'", "\u0000", "\u2028", "\"", "'"];

    private static readonly string[] Schemes = ["https", "http", "wss", "ws", "javascript", "data", "blob", "ftp", "chrome-extension", "HTTPS", ""];

    private static readonly string[] Hosts =
    [
        "cdn.example.com", "a.example", "app.example", "cdn.jsdelivr.net", "192.0.2.1", "[2001:db8::1]", "*.example.com", "*",
        "bücher.example", "a..example", "-a.example", "a.example.", "evil.example;script-src", "evil.example 'unsafe-inline'",
        "evil.example,x", "u:p@h.example", "h.example:8443", "h.example:0", "h.example:99999", "%65vil.example", "evil\u0000.example", "",
    ];

    private static readonly string[] Paths = ["", "/", "/x.js", "/a b", "/;script-src", "/?q=1", "#f", "\\x", "/'unsafe-inline'"];

    private static readonly string[] Words =
        ["inline", "eval", "wasm-eval", "self", "data", "blob", "*", "https:", "'unsafe-inline'", "'unsafe-eval'", "'none'", "'strict-dynamic'", "trusted-types-sink", "", " "];

    private static readonly string[] Dispositions = ["enforce", "report", "ENFORCE"];

    [Test]
    public void Nothing_outside_the_grammar_reaches_the_suggested_policy_and_it_compiles()
    {
        var advisor = new CspAllowAdvisor(AppPolicy, CspModes.Enforce);
        var original = CspPolicyText.Parse(AppPolicy);
        var widened = 0;

        Prop.ForAll(Arb.From(Groups().ArrayOf()), groups =>
        {
            var suggested = advisor.Suggest(groups, minClients: 3)!;
            var text = suggested.ToString();
            widened += text == AppPolicy ? 0 : 1;
            var errors = new OptionsValidationErrors();
            CspPolicyCompiler.Compile(new SecurityCspOptions { PolicyString = text }, new SecurityCspOptions(), "Security:Csp", errors, []);
            if (!errors.IsEmpty)
            {
                throw new AssertionException($"'{text}' fails the compiler: {string.Join("; ", errors.Failures)}");
            }

            foreach (var (directive, sources) in CspPolicyText.Parse(text).ToDirectives())
            {
                var own = (original.Sources(directive) ?? original.Sources("default-src") ?? []).Select(Configured).ToHashSet();
                var foreign = sources.Where(s => !own.Contains(s) && !CspSourceGrammar.IsSuggestible(s)).ToList();
                if (!CspDirectives.All.ContainsKey(directive) || foreign.Count > 0)
                {
                    throw new AssertionException($"'{text}': {directive} holds {string.Join(" ", foreign)}");
                }
            }

            foreach (var guarded in new[] { "script-src", "object-src", "base-uri", "frame-ancestors", "default-src", "form-action", "worker-src", "script-src-elem" })
            {
                if (!Equals(string.Join(" ", suggested.Sources(guarded) ?? []), string.Join(" ", original.Sources(guarded) ?? [])))
                {
                    throw new AssertionException($"'{text}' widens {guarded}");
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true));

        Assert.That(widened, Is.GreaterThan(100), "the corpus reaches allows, not only refusals");
    }

    [Test]
    public void Every_allow_is_a_known_directive_with_sources_of_the_grammar()
    {
        var advisor = new CspAllowAdvisor(AppPolicy, CspModes.Enforce);

        Prop.ForAll(Arb.From(Groups()), group =>
        {
            if (advisor.Advise(group).Allow is { } allow)
            {
                var tokens = allow.Split(' ');
                if (!CspDirectives.All.ContainsKey(tokens[0]) || tokens.Skip(1).Any(s => !CspSourceGrammar.IsSuggestible(s)))
                {
                    throw new AssertionException($"allow '{allow}' for {group}");
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true));
    }

    // A policy's own source as the configuration form writes it (the per-request nonce is the word nonce).
    private static string Configured(string source) => source == CspPolicyText.NonceSource ? CspDirectives.NonceSource : source;

    private static Gen<CspReportGroup> Groups() =>
        from name in Gen.Elements(Names)
        from tail in Gen.Frequency((3, Gen.Constant("")), (2, Gen.Elements(Tails)))
        from blocked in Gen.Frequency((3, Urls()), (1, Gen.Elements(Words)), (1, Gen.Elements(Words).SelectMany(w => Gen.Elements(Tails).Select(t => w + t))))
        from document in Gen.Elements(Page, "https://other.example/", "http://app.example/", "", "not a url")
        from disposition in Gen.Elements(Dispositions)
        select new CspReportGroup(name + tail, blocked, document, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)
        {
            Disposition = disposition,
            DistinctSenders = 3,
        };

    private static Gen<string> Urls() =>
        from scheme in Gen.Elements(Schemes)
        from separator in Gen.Elements("://", ":", "://", ":////")
        from host in Gen.Elements(Hosts)
        from path in Gen.Elements(Paths)
        select scheme + separator + host + path;
}
