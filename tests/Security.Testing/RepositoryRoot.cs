namespace Security.Testing;

/// <summary>Finds the repository root: the folder holding <c>Security.sln</c>.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// Walks up from the test assembly's folder to the first folder that contains <c>Security.sln</c>.
    /// </summary>
    /// <returns>An absolute path, e.g. <c>/work/main</c>.</returns>
    /// <exception cref="DirectoryNotFoundException">No parent folder holds <c>Security.sln</c>.</exception>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Security.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} contains Security.sln.");
    }
}
