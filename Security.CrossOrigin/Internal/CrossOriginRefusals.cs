using System.Text.Json;

namespace Security.CrossOrigin.Internal;

/// <summary>What each <see cref="CrossOriginRefusal"/> is called in logs and metrics, and what the 403 says.</summary>
internal static class CrossOriginRefusals
{
    public const string Title = "Cross-origin request refused";

    // RFC 9110's 403 Forbidden.
    public const string Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4";

    private static readonly string[] Names =
        ["none", "cross-site", "same-site", "unknown-site", "origin-mismatch", "null-origin", "cross-site-resource"];

    private static readonly string[] Details =
    [
        "",
        "The request came from another site (Sec-Fetch-Site: cross-site) and its method can change data.",
        "The request came from another origin of this site (Sec-Fetch-Site: same-site) and its method can change data.",
        "The request's Sec-Fetch-Site header is not one a browser sends, and its method can change data.",
        "The request's Origin is not this application's origin nor a trusted one, and its method can change data.",
        "The request has Origin: null (a sandboxed frame, a data: URL or a cross-site redirect) and its method can change data.",
        "Another site asked for this resource outside a top-level navigation (as a script, image, frame object or fetch).",
    ];

    /// <summary>The name in logs and in the metric's <c>reason</c> tag, e.g. <c>cross-site</c>.</summary>
    public static string Name(CrossOriginRefusal refusal) => Names[(int)refusal];

    /// <summary>The problem details' <c>detail</c>.</summary>
    public static string Detail(CrossOriginRefusal refusal) => Details[(int)refusal];

    /// <summary>The fallback <c>application/problem+json</c> body of each refusal, made once.</summary>
    public static byte[][] ProblemBodies() => [.. Enumerable.Range(0, Names.Length).Select(i => ProblemBody((CrossOriginRefusal)i))];

    private static byte[] ProblemBody(CrossOriginRefusal refusal)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", Type);
            json.WriteString("title", Title);
            json.WriteNumber("status", 403);
            json.WriteString("detail", Detail(refusal));
            json.WriteString("reason", Name(refusal));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
