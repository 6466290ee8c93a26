namespace Security.Csp;

/// <summary>
/// The sources of one directive, added in order: <c>p.ScriptSrc().Self().WithNonce().From("cdn.example.com")</c>.
/// </summary>
public sealed class CspSourceListBuilder
{
    private readonly List<string> _sources;

    internal CspSourceListBuilder(List<string> sources) => _sources = sources;

    /// <summary><c>'self'</c>: the page's own origin.</summary>
    public CspSourceListBuilder Self() => Add("self");

    /// <summary><c>'none'</c>: nothing is allowed.</summary>
    public CspSourceListBuilder None() => Add("none");

    /// <summary><c>'unsafe-inline'</c>: inline scripts or styles (ignored by browsers when a nonce or hash is present).</summary>
    public CspSourceListBuilder UnsafeInline() => Add("unsafe-inline");

    /// <summary><c>'unsafe-eval'</c>: <c>eval()</c> and friends.</summary>
    public CspSourceListBuilder UnsafeEval() => Add("unsafe-eval");

    /// <summary><c>'wasm-unsafe-eval'</c>: WebAssembly compilation.</summary>
    public CspSourceListBuilder WasmUnsafeEval() => Add("wasm-unsafe-eval");

    /// <summary><c>'unsafe-hashes'</c>: hashes also allow event-handler attributes.</summary>
    public CspSourceListBuilder UnsafeHashes() => Add("unsafe-hashes");

    /// <summary><c>'strict-dynamic'</c>: scripts loaded by a trusted (nonced or hashed) script are trusted.</summary>
    public CspSourceListBuilder StrictDynamic() => Add("strict-dynamic");

    /// <summary><c>'report-sample'</c>: reports include the first 40 characters of the offending code.</summary>
    public CspSourceListBuilder ReportSample() => Add("report-sample");

    /// <summary>The per-request nonce, <c>'nonce-…'</c>: a fresh random value on every response.</summary>
    public CspSourceListBuilder WithNonce() => Add("nonce");

    /// <summary>A hash source, <c>'sha256-…'</c>.</summary>
    /// <param name="base64Hash">The base64 SHA-256 of the inline script or style.</param>
    public CspSourceListBuilder Sha256(string base64Hash) => Add("sha256-" + base64Hash);

    /// <summary>A hash source, <c>'sha384-…'</c>.</summary>
    /// <param name="base64Hash">The base64 SHA-384 of the inline script or style.</param>
    public CspSourceListBuilder Sha384(string base64Hash) => Add("sha384-" + base64Hash);

    /// <summary>A hash source, <c>'sha512-…'</c>.</summary>
    /// <param name="base64Hash">The base64 SHA-512 of the inline script or style.</param>
    public CspSourceListBuilder Sha512(string base64Hash) => Add("sha512-" + base64Hash);

    /// <summary><c>*</c>: any URL except <c>data:</c>, <c>blob:</c> and <c>filesystem:</c>.</summary>
    public CspSourceListBuilder All() => Add("*");

    /// <summary><c>data:</c> URLs.</summary>
    public CspSourceListBuilder Data() => Add("data:");

    /// <summary><c>blob:</c> URLs.</summary>
    public CspSourceListBuilder Blob() => Add("blob:");

    /// <summary>Any <c>https:</c> URL.</summary>
    public CspSourceListBuilder Https() => Add("https:");

    /// <summary>Host or scheme sources written as given, e.g. <c>cdn.example.com</c>, <c>https://*.example.com</c>.</summary>
    /// <param name="sources">One or more sources.</param>
    public CspSourceListBuilder From(params string[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources.AddRange(sources);
        return this;
    }

    private CspSourceListBuilder Add(string source)
    {
        _sources.Add(source);
        return this;
    }
}
