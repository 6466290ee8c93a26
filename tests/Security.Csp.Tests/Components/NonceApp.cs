using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Routing;

namespace Security.Csp.Tests.Components;

/// <summary>A root component shaped like the blazor template's App.razor: base href, a nonced import map, the router.</summary>
public sealed class NonceApp : ComponentBase
{
    [CascadingParameter(Name = SecurityCspBuilder.CascadingNonceName)]
    public string? CspNonce { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "html");
        builder.OpenElement(1, "head");
        builder.OpenElement(2, "base");
        builder.AddAttribute(3, "href", "/");
        builder.CloseElement();
        builder.OpenElement(4, "script");
        builder.AddAttribute(5, "type", "importmap");
        builder.AddAttribute(6, "id", "importmap");
        builder.AddAttribute(7, "nonce", CspNonce);
        builder.AddContent(8, "{}");
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(9, "body");
        builder.OpenComponent<Router>(10);
        builder.AddComponentParameter(11, nameof(Router.AppAssembly), typeof(NonceApp).Assembly);
        builder.AddComponentParameter(12, nameof(Router.Found), (RenderFragment<RouteData>)(route => b =>
        {
            b.OpenComponent<RouteView>(0);
            b.AddComponentParameter(1, nameof(RouteView.RouteData), route);
            b.CloseComponent();
        }));
        builder.CloseComponent();
        builder.CloseElement();
        builder.CloseElement();
    }
}
