using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Http;

namespace Security.Csp.Tests.Components;

/// <summary>A streaming page (as the template's Weather page) that renders its own nonced script only after the response started.</summary>
[Route("/streaming")]
[StreamRendering]
public sealed class StreamingNoncePage : ComponentBase
{
    private bool _started;

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [CascadingParameter(Name = SecurityCspBuilder.CascadingNonceName)]
    public string? CspNonce { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // Waits for the streamed first part to start the response (bounded, so a change in streaming fails the test, not hangs it).
        for (var i = 0; i < 500 && !HttpContext!.Response.HasStarted; i++)
        {
            await Task.Delay(10);
        }

        _started = HttpContext!.Response.HasStarted;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "p");
        builder.AddAttribute(1, "id", "started");
        builder.AddContent(2, _started ? "started" : "not started");
        builder.CloseElement();
        if (_started)
        {
            builder.OpenElement(3, "script");
            builder.AddAttribute(4, "id", "late");
            builder.AddAttribute(5, "nonce", CspNonce);
            builder.CloseElement();
        }
    }
}
