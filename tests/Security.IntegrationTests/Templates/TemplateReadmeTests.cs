using Security.Testing;

namespace Security.IntegrationTests.Templates;

/// <summary>The lines the template harness adds are the lines the root README shows a reader, character for character.</summary>
public sealed class TemplateReadmeTests
{
    [TestCase(nameof(WebAppTemplateWiring.Identity), WebAppTemplateWiring.Identity)]
    [TestCase(nameof(WebAppTemplateWiring.Services), WebAppTemplateWiring.Services)]
    [TestCase(nameof(WebAppTemplateWiring.FirstMiddleware), WebAppTemplateWiring.FirstMiddleware)]
    [TestCase(nameof(WebAppTemplateWiring.AuthMiddleware), WebAppTemplateWiring.AuthMiddleware)]
    [TestCase(nameof(WebAppTemplateWiring.Dashboard), WebAppTemplateWiring.Dashboard)]
    [TestCase(nameof(WebAppTemplateWiring.ViewImports), WebAppTemplateWiring.ViewImports)]
    [TestCase(nameof(WebAppTemplateWiring.ImportMap), WebAppTemplateWiring.ImportMap)]
    [TestCase(nameof(WebAppTemplateWiring.ValidationScriptsTo), "cp " + WebAppTemplateWiring.ValidationScriptsFrom + " " + WebAppTemplateWiring.ValidationScriptsTo)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.Identity), BlazorTemplateWiring.Identity)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.Services), BlazorTemplateWiring.Services)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.FirstMiddleware), BlazorTemplateWiring.FirstMiddleware)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.AuthMiddleware), BlazorTemplateWiring.AuthMiddleware)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.IdentityEndpoints), BlazorTemplateWiring.IdentityEndpoints)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.ImportMap), BlazorTemplateWiring.ImportMap)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.AppCode), BlazorTemplateWiring.AppCode)]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.AccountImports), BlazorTemplateWiring.AccountImports)]
    [TestCase("webapi " + nameof(WebApiTemplateWiring.Context), WebApiTemplateWiring.Context)]
    [TestCase("webapi " + nameof(WebApiTemplateWiring.Services), WebApiTemplateWiring.Services)]
    [TestCase("webapi " + nameof(WebApiTemplateWiring.AuthMiddleware), WebApiTemplateWiring.AuthMiddleware)]
    [TestCase("webapi usings", "`using Microsoft.AspNetCore.Identity;` and `using Microsoft.EntityFrameworkCore;`")]
    [TestCase("webapi first middleware", "`app.UseSecurityHeaders();` and `app.UseContentSecurityPolicy();` right after `var app = builder.Build();`")]
    public void Root_readme_shows_the_lines_the_harness_adds(string name, string lines)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md")).ReplaceLineEndings("\n");

        Assert.That(readme, Does.Contain(lines), $"{name}: the README's \"Using it in the stock templates\" must show these lines");
    }

    [TestCase(nameof(WebAppTemplateWiring.ImportMap), WebAppTemplateWiring.ImportMap)]
    [TestCase(nameof(WebAppTemplateWiring.ValidationScriptsTo), "cp " + WebAppTemplateWiring.ValidationScriptsFrom + " " + WebAppTemplateWiring.ValidationScriptsTo)]
    [TestCase("img-src", "p.ImgSrc().Self().Data();")]
    [TestCase("blazor preset and nonce", "builder.Services.AddSecurityCsp(o => o.UsePolicy(p => p.ForBlazorWebApp())).AddCascadingNonce();")]
    [TestCase("blazor " + nameof(BlazorTemplateWiring.ImportMap), BlazorTemplateWiring.ImportMap)]
    [TestCase("blazor nonce parameter", "    [CascadingParameter(Name = \"CspNonce\")]\n    private string? CspNonce { get; set; }")]
    public void Csp_readme_shows_the_template_lines_the_harness_adds(string name, string lines)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "Security.Csp", "README.md")).ReplaceLineEndings("\n");

        Assert.That(readme, Does.Contain(lines), $"{name}: Security.Csp's README \"With the stock templates\" must show these lines");
    }

    [TestCase("circuit limits", BlazorCircuitSessionTests.CircuitLimits)]
    public void Sessions_readme_shows_the_circuit_line_the_harness_adds(string name, string lines)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "Security.Sessions", "README.md")).ReplaceLineEndings("\n");

        Assert.That(readme, Does.Contain(lines), $"{name}: Security.Sessions' README \"Blazor circuits\" must show this line");
    }
}
