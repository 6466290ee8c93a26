using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Security.Testing;

namespace Security.IntegrationTests.Templates;

/// <summary>
/// An app made by the SDK's own template (<c>dotnet new</c>, offline: templates ship with the SDK), wired with
/// lines from our READMEs, published and run in Production over HTTPS on 127.0.0.1 as a separate process.
/// </summary>
internal sealed class TemplateApp : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private TemplateApp(string root, string name)
    {
        Root = root;
        Name = name;
        ProjectDirectory = Path.Combine(root, name);
    }

    /// <summary>The temp folder holding the app (and its nuget.config).</summary>
    public string Root { get; }

    /// <summary>The project name, also its root namespace, e.g. <c>WebApp</c>.</summary>
    public string Name { get; }

    /// <summary>The project folder, where Program.cs is.</summary>
    public string ProjectDirectory { get; }

    /// <summary>Where the running app listens, e.g. <c>https://127.0.0.1:41873/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the app printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs <c>dotnet new <paramref name="template"/></c> into a fresh temp folder and references our packages' projects.</summary>
    /// <param name="template">Template and options, e.g. <c>["webapp", "--auth", "Individual"]</c>.</param>
    /// <param name="name">Project name, e.g. <c>WebApp</c>.</param>
    /// <param name="packages">Our packages the app references, e.g. <c>Security.Csp</c>.</param>
    public static TemplateApp Create(IReadOnlyList<string> template, string name, IReadOnlyList<string> packages)
    {
        var root = Directory.CreateTempSubdirectory("security-template-").FullName;
        var app = new TemplateApp(root, name);
        var repository = RepositoryRoot.Find();
        // The repository's package sources, so the template's own packages restore where ours do.
        File.Copy(Path.Combine(repository, "nuget.config"), Path.Combine(root, "nuget.config"));
        Dotnet(root, ["new", .. template, "--name", name, "--output", app.ProjectDirectory, "--no-restore"]);
        Dotnet(app.ProjectDirectory, ["add", "reference", .. packages.Select(p => Path.Combine(repository, p, p + ".csproj"))]);
        return app;
    }

    /// <summary>
    /// <see cref="Create"/>, <paramref name="wire"/>, then <see cref="StartAsync"/>, printing how long it took; the app is
    /// disposed when a step fails.
    /// </summary>
    /// <param name="template">Template and options, e.g. <c>["blazor", "--auth", "Individual"]</c>.</param>
    /// <param name="name">Project name, e.g. <c>BlazorApp</c>.</param>
    /// <param name="packages">Our packages the app references.</param>
    /// <param name="wire">Applies the README's lines (and any harness-only line).</param>
    /// <param name="host">The host name, see <see cref="StartAsync"/>.</param>
    public static async Task<TemplateApp> StartNewAsync(
        IReadOnlyList<string> template, string name, IReadOnlyList<string> packages, Action<TemplateApp> wire, string host = "127.0.0.1")
    {
        var time = Stopwatch.StartNew();
        var app = Create(template, name, packages);
        try
        {
            wire(app);
            await app.StartAsync(host: host);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        TestContext.Progress.WriteLine($"{template[0]} template created, published and started in {time.Elapsed.TotalSeconds:F0} s");
        return app;
    }

    /// <summary>Replaces the one occurrence of <paramref name="anchor"/> in a file of the app with <paramref name="replacement"/>.</summary>
    /// <param name="file">Path relative to the project folder, e.g. <c>Program.cs</c>.</param>
    /// <param name="anchor">Template text that must occur exactly once.</param>
    /// <param name="replacement">What it becomes: usually the anchor with README lines before or after it.</param>
    public void Replace(string file, string anchor, string replacement)
    {
        var path = Path.Combine(ProjectDirectory, file);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(anchor, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"The template's {file} no longer has exactly one '{anchor}': the template changed, update the wiring.{Environment.NewLine}{text}");
        }

        File.WriteAllText(path, text[..at] + replacement + text[(at + anchor.Length)..]);
    }

    /// <summary>Adds package references at the version of the template's own ASP.NET Core packages (so they restore beside them).</summary>
    /// <param name="packages">Package ids, e.g. <c>Microsoft.EntityFrameworkCore.Sqlite</c>.</param>
    public void AddPackages(IReadOnlyList<string> packages)
    {
        var project = File.ReadAllText(Path.Combine(ProjectDirectory, Name + ".csproj"));
        var version = System.Text.RegularExpressions.Regex.Match(project, "Include=\"Microsoft\\.AspNetCore\\.[^\"]+\" Version=\"(10\\.[^\"]+)\"").Groups[1].Value;
        foreach (var package in packages)
        {
            Dotnet(ProjectDirectory, ["add", "package", package, "--version", version, "--no-restore"]);
        }
    }

    /// <summary>Writes a new file of the app.</summary>
    /// <param name="file">Path relative to the project folder.</param>
    /// <param name="content">Its text.</param>
    public void Write(string file, string content) => File.WriteAllText(Path.Combine(ProjectDirectory, file), content);

    /// <summary>Copies a file of the app to another path in it (e.g. one that overrides a Razor class library's file).</summary>
    /// <param name="from">Path relative to the project folder.</param>
    /// <param name="to">Path relative to the project folder; its folder is created.</param>
    public void Copy(string from, string to)
    {
        var target = Path.Combine(ProjectDirectory, to);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(ProjectDirectory, from), target);
    }

    /// <summary>Publishes the app (in the test assembly's configuration, so our projects are already built) and starts it in Production over HTTPS.</summary>
    /// <param name="environment">Extra environment variables (configuration, e.g. <c>Security__Auth__Throttling__ClientFailureLimit</c>).</param>
    /// <param name="host">The host name the app is reached at: <c>127.0.0.1</c>, or <c>localhost</c> for a page that needs a domain (WebAuthn's passkeys).</param>
    public async Task StartAsync(IReadOnlyDictionary<string, string>? environment = null, string host = "127.0.0.1")
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // bin/<Configuration>/net10.0/
        var published = Path.Combine(Root, "published");
        Dotnet(ProjectDirectory, ["publish", "-c", configuration, "-o", published, "-nologo", "-clp:ErrorsOnly"]);

        var certificatePath = Path.Combine(Root, "certificate.pfx");
        using (var certificate = TestCertificate.Create())
        {
            File.WriteAllBytes(certificatePath, certificate.Export(X509ContentType.Pkcs12, "test"));
        }

        BaseAddress = new Uri($"https://{host}:{FreePort.Next()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = published,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(published, Name + ".dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["Kestrel__Certificates__Default__Path"] = certificatePath;
        start.Environment["Kestrel__Certificates__Default__Password"] = "test";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the template app.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = CreateClient();
        var ready = await ServerReadiness.WaitAsync(
            async token =>
            {
                try
                {
                    using var response = await client.GetAsync(BaseAddress, token);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            () => _process.HasExited,
            TimeSpan.FromSeconds(60),
            CancellationToken.None);
        if (!ready)
        {
            throw new InvalidOperationException($"The {Name} template app did not start:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>A client for the app that trusts its test certificate and does not follow redirects.</summary>
    public HttpClient CreateClient() => new(new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    })
    {
        BaseAddress = BaseAddress,
    };

    /// <summary>An absolute URL on the app.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the system.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    // Publishing restores the template's packages first: minutes on a cold package cache.
    private static void Dotnet(string workingDirectory, IReadOnlyList<string> arguments) =>
        ServerCommand.Run("dotnet", arguments, workingDirectory: workingDirectory, timeout: TimeSpan.FromMinutes(8));
}
