using System.Xml.Linq;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>docs/architecture.md "Packages and who may depend on whom", checked on the project files.</summary>
public class PackageDependencyRulesTests
{
    private const string Abstractions = "Security.Abstractions";
    private const string Persistence = "Security.Persistence";

    private static readonly string[] FeaturePackages =
        ["Security.Headers", "Security.Csp", "Security.Auth", "Security.Sessions", "Security.Profiling", "Security.CrossOrigin"];

    private static readonly string[] AllPackages = [Abstractions, .. FeaturePackages, Persistence];

    // Add-on packages: a feature's optional part whose dependencies are too heavy for every user
    // of the feature. Each sits in its base package's folder and references that base only.
    private static readonly (string Package, string Base, string Folder)[] AddOnPackages =
        [("Security.Profiling.Sampling", "Security.Profiling", "Security.Profiling/Sampling")];

    private static readonly string[] AddOnNames = [.. AddOnPackages.Select(addOn => addOn.Package)];

    private static readonly string[] StoragePackagePrefixes = ["Microsoft.EntityFrameworkCore", "Npgsql"];

    private static readonly string Root = RepositoryRoot.Find();

    [Test]
    public void Repository_root_holds_exactly_the_eight_packages()
    {
        var found = Directory.GetDirectories(Root)
            .Select(Path.GetFileName)
            .Where(name => File.Exists(Path.Combine(Root, name!, name + ".csproj")))
            .Order(StringComparer.Ordinal);

        Assert.That(found, Is.EqualTo(AllPackages.Order(StringComparer.Ordinal)));
    }

    [TestCaseSource(nameof(FeaturePackages))]
    public void Feature_package_references_no_package_of_the_family_but_Abstractions(string package)
    {
        var forbidden = ProjectReferences(package).Where(name => name != Abstractions).ToList();

        Assert.That(forbidden, Is.Empty, $"{package} must reach other packages and storage only through {Abstractions}.");
    }

    [TestCaseSource(nameof(FeaturePackages))]
    public void Feature_package_references_no_EF_Core_or_Npgsql(string package)
    {
        Assert.That(StoragePackageReferences(package), Is.Empty, $"{package} must talk to storage through the store interfaces in {Abstractions}.");
    }

    [Test]
    public void Abstractions_references_no_other_package_of_the_family()
    {
        Assert.That(ProjectReferences(Abstractions), Is.Empty);
    }

    [Test]
    public void Abstractions_references_no_EF_Core_or_Npgsql()
    {
        Assert.That(StoragePackageReferences(Abstractions), Is.Empty);
    }

    [Test]
    public void Persistence_references_only_Abstractions_in_the_family()
    {
        Assert.That(ProjectReferences(Persistence), Is.EqualTo(new[] { Abstractions }));
    }

    [Test]
    public void Package_folders_hold_no_project_but_the_listed_add_ons()
    {
        var nested = AllPackages
            .SelectMany(package => Directory.GetFiles(Path.Combine(Root, package), "*.csproj", SearchOption.AllDirectories)
                .Where(path => Path.GetDirectoryName(path) != Path.Combine(Root, package))
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.That(nested, Is.EqualTo(AddOnPackages.Select(addOn => $"{addOn.Folder}/{addOn.Package}.csproj").Order(StringComparer.Ordinal)));
    }

    [TestCaseSource(nameof(AddOnNames))]
    public void Add_on_package_references_its_base_package_only_in_the_family(string package)
    {
        var (_, basePackage, folder) = AddOnPackages.Single(addOn => addOn.Package == package);

        Assert.That(ProjectReferences(package, folder), Is.EqualTo(new[] { basePackage }));
    }

    [TestCaseSource(nameof(AddOnNames))]
    public void Add_on_package_references_no_EF_Core_or_Npgsql(string package)
    {
        var folder = AddOnPackages.Single(addOn => addOn.Package == package).Folder;

        Assert.That(StoragePackageReferences(package, folder), Is.Empty);
    }

    [TestCaseSource(nameof(AddOnNames))]
    public void Add_on_package_has_its_readme_and_public_API_files(string package)
    {
        var folder = AddOnPackages.Single(addOn => addOn.Package == package).Folder;
        string[] required = ["README.md", "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"];

        var missing = required.Where(file => !File.Exists(Path.Combine(Root, folder, file)));

        Assert.That(missing, Is.Empty, $"{package} is missing files.");
    }

    [TestCaseSource(nameof(AllPackages))]
    public void Package_has_its_readme_and_public_API_files(string package)
    {
        string[] required = ["README.md", "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"];

        var missing = required.Where(file => !File.Exists(Path.Combine(Root, package, file)));

        Assert.That(missing, Is.Empty, $"{package} is missing files.");
    }

    private static XDocument Project(string package, string? folder = null) => XDocument.Load(Path.Combine(Root, folder ?? package, package + ".csproj"));

    private static IEnumerable<string> ProjectReferences(string package, string? folder = null) =>
        Project(package, folder).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(((string?)reference.Attribute("Include") ?? "").Replace('\\', '/')))
            .ToList();

    private static List<string> StoragePackageReferences(string package, string? folder = null) =>
        Project(package, folder).Descendants("PackageReference")
            .Select(reference => (string?)reference.Attribute("Include") ?? (string?)reference.Attribute("Update") ?? "")
            .Where(name => StoragePackagePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .ToList();
}
