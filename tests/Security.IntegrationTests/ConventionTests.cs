using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Auth;
using Security.CrossOrigin;
using Security.Csp;
using Security.Headers;
using Security.Persistence;
using Security.Profiling;
using Security.Sessions;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>The rules of docs/conventions.md that a machine can check, over all the packages at once.</summary>
public sealed partial class ConventionTests
{
    private static readonly string Root = RepositoryRoot.Find();

    // Each package's event-id range (docs/conventions.md).
    private static readonly (Assembly Package, int First, int Last)[] EventIdRanges =
    [
        (typeof(OptionsValidationErrors).Assembly, 100, 199),
        (typeof(LoginRequiredOptions).Assembly, 1000, 1999),
        (typeof(SecurityHeadersOptions).Assembly, 2000, 2099),
        (typeof(SecurityCspOptions).Assembly, 3000, 3999),
        (typeof(SessionExpiryOptions).Assembly, 4000, 4099),
        (typeof(SecurityStoreOptions).Assembly, 5000, 5099),
        (typeof(SecurityProfilingOptions).Assembly, 6000, 6099),
        (typeof(SecurityProfilingBuilderSamplingExtensions).Assembly, 6000, 6099),
        (typeof(CrossOriginProtectionOptions).Assembly, 7000, 7099),
    ];

    private static readonly Assembly[] Packages = [.. EventIdRanges.Select(r => r.Package)];

    // The feature registrations: AddX returns XBuilder and takes Action<XOptions>.
    private static readonly string[] Features =
        ["SecurityHeaders", "SecurityCsp", "LoginRequired", "PasswordExpiry", "LoginThrottling", "SessionExpiry", "SecurityProfiling", "CrossOriginProtection"];

    private static readonly Type[] SectionOptions =
    [
        typeof(SecurityHeadersOptions), typeof(SecurityCspOptions), typeof(LoginRequiredOptions), typeof(PasswordExpiryOptions),
        typeof(LoginThrottlingOptions), typeof(SessionExpiryOptions), typeof(SecurityProfilingOptions),
        typeof(CrossOriginProtectionOptions), typeof(SecurityStoreOptions), typeof(SecurityStoreCleanupOptions),
    ];

    private static IEnumerable<TestCaseData> PackageRanges() =>
        EventIdRanges.Select(r => new TestCaseData(r.Package, r.First, r.Last).SetArgDisplayNames(r.Package.GetName().Name!));

    [TestCaseSource(nameof(PackageRanges))]
    public void Every_event_id_of_a_package_is_in_its_range(Assembly package, int first, int last)
    {
        var outside = LoggerMessageIds.Of(package).Where(id => id < first || id > last).Order().ToList();

        Assert.That(outside, Is.Empty, $"{package.GetName().Name} logs with ids outside {first}-{last}.");
    }

    [Test]
    public void No_event_id_is_used_twice_across_the_packages()
    {
        var duplicates = Packages.SelectMany(LoggerMessageIds.Of).GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();

        Assert.That(duplicates, Is.Empty);
    }

    [TestCaseSource(nameof(Features))]
    public void AddX_returns_XBuilder_and_configures_XOptions(string feature)
    {
        var add = Packages.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Namespace == "Microsoft.Extensions.DependencyInjection")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Single(m => m.Name == "Add" + feature && m.GetParameters()[0].ParameterType == typeof(IServiceCollection));

        Assert.Multiple(() =>
        {
            Assert.That(add.ReturnType.Name, Is.EqualTo(feature + "Builder"));
            Assert.That(add.ReturnType.GetProperty("Services")?.PropertyType, Is.EqualTo(typeof(IServiceCollection)));
            Assert.That(add.GetParameters().Skip(1).Select(p => p.ParameterType.GetGenericArguments().SingleOrDefault()?.Name), Is.EqualTo(new[] { feature + "Options" }));
        });
    }

    [TestCaseSource(nameof(SectionOptions))]
    public void Options_name_their_configuration_section(Type options)
    {
        var field = options.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);

        Assert.That(field?.IsLiteral, Is.True, $"{options.Name} needs a public const SectionName.");
        Assert.That(field!.GetRawConstantValue() as string, Does.StartWith("Security:"));
    }

    [Test]
    public void Public_types_sit_at_the_package_root_and_internal_ones_under_Internal()
    {
        var misplaced = new List<string>();
        foreach (var file in PackageSourceFiles())
        {
            var text = File.ReadAllText(file);
            var relative = Path.GetRelativePath(Root, file);
            var folders = Path.GetDirectoryName(relative)!.Split(Path.DirectorySeparatorChar);
            var package = folders[0] + (folders.Length > 1 && folders[1] == "Sampling" ? ".Sampling" : string.Empty);
            var inner = folders.Skip(package.EndsWith(".Sampling", StringComparison.Ordinal) ? 2 : 1).ToArray();
            var ns = NamespaceLine().Match(text).Groups[1].Value;
            var isPublic = PublicTypeLine().IsMatch(text);
            var expected = inner.Length == 0 ? null : package + "." + string.Join('.', inner);

            if (inner.Length == 0 && !isPublic)
            {
                misplaced.Add($"{relative}: internal type at the package root (move it under Internal/)");
            }
            else if (inner.Length > 0 && (inner[0] != "Internal" || isPublic))
            {
                misplaced.Add($"{relative}: {(isPublic ? "public type outside the package root" : "folder other than Internal/")}");
            }
            else if (expected is not null && ns != expected)
            {
                misplaced.Add($"{relative}: namespace {ns}, folder says {expected}");
            }
        }

        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void Package_code_cites_no_project_document()
    {
        var citing = PackageSourceFiles().Where(f => ProjectDocument().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(Root, f)).ToList();

        Assert.That(citing, Is.Empty, "A package user does not have PARITY.md and friends: say the reason itself.");
    }

    private static IEnumerable<string> PackageSourceFiles() =>
        Packages.Select(a => a.GetName().Name!)
            .Where(name => !name.EndsWith(".Sampling", StringComparison.Ordinal))
            .SelectMany(name => Directory.EnumerateFiles(Path.Combine(Root, name), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace ([A-Za-z.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^public (?:(?:static|sealed|abstract|partial|readonly) )*(?:class|interface|record|struct|enum)\b", RegexOptions.Multiline)]
    private static partial Regex PublicTypeLine();

    [GeneratedRegex(@"\b(PARITY|DESIGN|THREATS|STYLE)\.md\b|\bPARITY\b")]
    private static partial Regex ProjectDocument();
}
