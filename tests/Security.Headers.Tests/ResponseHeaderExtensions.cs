namespace Security.Headers.Tests;

/// <summary>Reads one response header as the server sent it (content headers included).</summary>
internal static class ResponseHeaderExtensions
{
    public static string? Header(this HttpResponseMessage response, string name)
    {
        // NonValidated: the values as sent, not re-ordered by HttpClient's parsers (Cache-Control).
        if (response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }
}
