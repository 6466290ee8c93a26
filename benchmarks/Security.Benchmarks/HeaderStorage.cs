namespace Security.Benchmarks;

/// <summary>Which header collections the benchmark server stand-in uses.</summary>
public enum HeaderStorage
{
    /// <summary><c>HeaderDictionary</c>: a case-insensitive dictionary, as in <c>DefaultHttpContext</c> and TestServer.</summary>
    HeaderDictionary,

    /// <summary>Kestrel's <c>HttpRequestHeaders</c> / <c>HttpResponseHeaders</c>, as in production.</summary>
    Kestrel,
}
