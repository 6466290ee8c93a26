using Security.Csp.Internal.Blazor;

namespace Security.Csp;

/// <summary>
/// A typed builder that reads like the header:
/// <c>p.DefaultSrc().Self(); p.ScriptSrc().Self().WithNonce().From("cdn.example.com");</c>
/// gives <c>default-src 'self'; script-src 'self' 'nonce-…' cdn.example.com</c>. Directives are written in
/// the order they are first added; the result is validated with the same rules as configuration.
/// </summary>
public sealed class CspPolicyBuilder
{
    private readonly Dictionary<string, List<string>> _directives = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>default-src</c>: the fallback for the other fetch directives.</summary>
    public CspSourceListBuilder DefaultSrc() => Directive("default-src");

    /// <summary><c>script-src</c>.</summary>
    public CspSourceListBuilder ScriptSrc() => Directive("script-src");

    /// <summary><c>script-src-elem</c>.</summary>
    public CspSourceListBuilder ScriptSrcElem() => Directive("script-src-elem");

    /// <summary><c>script-src-attr</c>.</summary>
    public CspSourceListBuilder ScriptSrcAttr() => Directive("script-src-attr");

    /// <summary><c>style-src</c>.</summary>
    public CspSourceListBuilder StyleSrc() => Directive("style-src");

    /// <summary><c>style-src-elem</c>.</summary>
    public CspSourceListBuilder StyleSrcElem() => Directive("style-src-elem");

    /// <summary><c>style-src-attr</c>.</summary>
    public CspSourceListBuilder StyleSrcAttr() => Directive("style-src-attr");

    /// <summary><c>img-src</c>.</summary>
    public CspSourceListBuilder ImgSrc() => Directive("img-src");

    /// <summary><c>font-src</c>.</summary>
    public CspSourceListBuilder FontSrc() => Directive("font-src");

    /// <summary><c>connect-src</c>.</summary>
    public CspSourceListBuilder ConnectSrc() => Directive("connect-src");

    /// <summary><c>media-src</c>.</summary>
    public CspSourceListBuilder MediaSrc() => Directive("media-src");

    /// <summary><c>object-src</c>.</summary>
    public CspSourceListBuilder ObjectSrc() => Directive("object-src");

    /// <summary><c>frame-src</c>.</summary>
    public CspSourceListBuilder FrameSrc() => Directive("frame-src");

    /// <summary><c>child-src</c>.</summary>
    public CspSourceListBuilder ChildSrc() => Directive("child-src");

    /// <summary><c>worker-src</c>.</summary>
    public CspSourceListBuilder WorkerSrc() => Directive("worker-src");

    /// <summary><c>manifest-src</c>.</summary>
    public CspSourceListBuilder ManifestSrc() => Directive("manifest-src");

    /// <summary><c>base-uri</c>.</summary>
    public CspSourceListBuilder BaseUri() => Directive("base-uri");

    /// <summary><c>form-action</c>.</summary>
    public CspSourceListBuilder FormAction() => Directive("form-action");

    /// <summary><c>frame-ancestors</c>: who may frame the page (the modern X-Frame-Options).</summary>
    public CspSourceListBuilder FrameAncestors() => Directive("frame-ancestors");

    /// <summary>
    /// <c>sandbox</c> with the given <c>allow-*</c> tokens; none gives a bare <c>sandbox</c> (every restriction on).
    /// </summary>
    /// <param name="allowTokens">e.g. <c>"allow-scripts", "allow-forms"</c>.</param>
    /// <returns>This builder.</returns>
    public CspPolicyBuilder Sandbox(params string[] allowTokens)
    {
        ArgumentNullException.ThrowIfNull(allowTokens);
        List("sandbox").AddRange(allowTokens.Length == 0 ? [""] : allowTokens);
        return this;
    }

    /// <summary><c>upgrade-insecure-requests</c>: the browser loads http sub-resources over https.</summary>
    /// <returns>This builder.</returns>
    public CspPolicyBuilder UpgradeInsecureRequests()
    {
        List("upgrade-insecure-requests");
        return this;
    }

    /// <summary><c>report-uri</c>: where violation reports are POSTed, e.g. <c>/csp-report</c>.</summary>
    /// <param name="uri">One URI.</param>
    /// <returns>This builder.</returns>
    public CspPolicyBuilder ReportUri(string uri)
    {
        List("report-uri").Add(uri);
        return this;
    }

    /// <summary><c>report-to</c>: the Reporting API endpoint name (see <c>Reporting-Endpoints</c>).</summary>
    /// <param name="endpointName">e.g. <c>csp-endpoint</c>.</param>
    /// <returns>This builder.</returns>
    public CspPolicyBuilder ReportTo(string endpointName)
    {
        List("report-to").Add(endpointName);
        return this;
    }

    /// <summary>
    /// The policy a Blazor Web App (<c>dotnet new blazor</c>, interactive Server, WebAssembly or Auto) runs under with no
    /// violation: <c>default-src 'self'; script-src 'self' 'nonce-…'; script-src-attr 'unsafe-hashes' 'sha256-…';
    /// style-src 'self' 'nonce-…'; style-src-attr 'unsafe-hashes' 'sha256-…'; img-src 'self' data:; connect-src 'self';
    /// object-src 'none'; base-uri 'self'; frame-ancestors 'none'</c>. <c>base-uri 'self'</c> keeps the page's own
    /// <c>&lt;base href="/"&gt;</c>, which Blazor resolves every relative URL against; <c>connect-src 'self'</c> covers the
    /// circuit's same-origin <c>wss:</c> WebSocket; <c>data:</c> images are the template's icons; the two hashes allow
    /// only the template's own inline handler (<c>NavMenu.razor</c>'s <c>onclick</c>) and style attribute
    /// (<c>TwoFactorAuthentication.razor</c>'s <c>style</c>), nothing else. Add further sources with the other methods.
    /// </summary>
    /// <param name="webAssembly">Whether components run on WebAssembly (<c>InteractiveWebAssembly</c> or <c>InteractiveAuto</c>):
    /// adds <c>'wasm-unsafe-eval'</c> to <c>script-src</c>, which the .NET runtime needs to compile its code. Default
    /// <see langword="false"/> (interactive Server, static rendering).</param>
    /// <returns>This builder.</returns>
    public CspPolicyBuilder ForBlazorWebApp(bool webAssembly = false)
    {
        DefaultSrc().Self();
        var scripts = ScriptSrc().Self().WithNonce();
        if (webAssembly)
        {
            scripts.WasmUnsafeEval();
        }

        // The hash of the template's one handler, onclick="document.querySelector('.navbar-toggler').click()".
        ScriptSrcAttr().UnsafeHashes().Sha256(BlazorTemplateHashes.NavMenuOnClick);
        StyleSrc().Self().WithNonce();
        // The hash of the template's one style attribute, style="display: inline-block".
        StyleSrcAttr().UnsafeHashes().Sha256(BlazorTemplateHashes.InlineBlockStyle);
        ImgSrc().Self().Data();
        ConnectSrc().Self();
        ObjectSrc().None();
        BaseUri().Self();
        FrameAncestors().None();
        return this;
    }

    /// <summary>Any other directive by name, e.g. <c>fenced-frame-src</c>; validated at startup like the others.</summary>
    /// <param name="name">The directive name.</param>
    /// <returns>A builder for its values.</returns>
    public CspSourceListBuilder Directive(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CspSourceListBuilder(List(name));
    }

    private List<string> List(string name)
    {
        if (!_directives.TryGetValue(name, out var list))
        {
            list = [];
            _directives.Add(name, list);
        }

        return list;
    }

    internal Dictionary<string, string[]> Build()
    {
        var result = new Dictionary<string, string[]>(_directives.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in _directives)
        {
            result.Add(name, [.. values]);
        }

        return result;
    }
}
