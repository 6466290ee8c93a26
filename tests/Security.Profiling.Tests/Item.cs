namespace Security.Profiling.Tests;

/// <summary>A row of <see cref="ItemsDb"/>.</summary>
internal sealed class Item
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;
}
