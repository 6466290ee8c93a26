namespace Security.Testing;

/// <summary>
/// A temporary web root with a plain file (<c>/plain.txt</c>) and one asset (<c>/css/site.css</c>), and the manifest
/// <c>MapStaticAssets</c> reads for it, as the SDK writes it when publishing; deleted on dispose.
/// </summary>
public sealed class StaticAssetsWebRoot : IDisposable
{
    private StaticAssetsWebRoot(string path) => Path = path;

    /// <summary>The folder, for <c>PhysicalFileProvider</c>.</summary>
    public string Path { get; }

    /// <summary>The manifest to pass to <c>app.MapStaticAssets(...)</c>.</summary>
    public string Manifest => System.IO.Path.Combine(Path, "assets.staticwebassets.endpoints.json");

    /// <summary>Creates the folder; the asset endpoint answers with <paramref name="cacheControl"/>, e.g. <c>max-age=31536000, immutable</c>.</summary>
    public static StaticAssetsWebRoot Create(string cacheControl)
    {
        var root = new StaticAssetsWebRoot(Directory.CreateTempSubdirectory("static-assets-").FullName);
        Directory.CreateDirectory(System.IO.Path.Combine(root.Path, "css"));
        File.WriteAllText(System.IO.Path.Combine(root.Path, "css", "site.css"), "body { color: black; }");
        File.WriteAllText(System.IO.Path.Combine(root.Path, "plain.txt"), "plain file");
        File.WriteAllText(root.Manifest, $$"""
            {"Version":1,"ManifestType":"Publish","Endpoints":[{"Route":"css/site.css","AssetFile":"css/site.css","Selectors":[],
              "ResponseHeaders":[{"Name":"Cache-Control","Value":"{{cacheControl}}"},{"Name":"Content-Length","Value":"22"},
                {"Name":"Content-Type","Value":"text/css"},{"Name":"ETag","Value":"\"x\""},{"Name":"Last-Modified","Value":"Thu, 01 Jan 2026 00:00:00 GMT"}],
              "EndpointProperties":[]}]}
            """);
        return root;
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
