namespace Security.Sample;

/// <summary>
/// <c>GET /csp-demo</c>: a page that breaks the Content-Security-Policy on purpose, so a browser
/// blocks two things and reports both to <c>/csp-report</c>.
/// </summary>
public static class CspDemoPage
{
    public static IResult Render(HttpContext context) => Results.Content(Html(context.GetCspNonce()), "text/html; charset=utf-8");

    private static string Html(string nonce) => $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>CSP demo - Security.Sample</title><link rel="stylesheet" href="/site.css"></head>
        <body>
          <main>
            <h1>CSP violations on purpose</h1>
            <p>This page breaks the Content-Security-Policy twice; the browser blocks both and reports them to /csp-report.</p>
            <p id="inline-result">The inline script without a nonce was blocked.</p>
            <script>document.getElementById('inline-result').textContent = 'The inline script ran: CSP is not enforced!';</script>
            <img src="https://blocked.example.net/pixel.png" alt="image from a blocked origin" width="1" height="1">
            <p id="nonce-result">The nonced script did not run.</p>
            <script nonce="{{nonce}}">document.getElementById('nonce-result').textContent = 'The nonced script ran, as allowed.';</script>
          </main>
        </body>
        </html>
        """;
}
