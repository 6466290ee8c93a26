using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Csp.Internal;

namespace Security.Csp.Tests;

/// <summary>
/// An attacker who can guess or replay a nonce runs injected inline script: nonces are drawn from
/// CSPRNG bytes fetched in blocks, and these tests check no byte is handed out twice or left unset.
/// </summary>
public sealed partial class CspNoncePredictabilityTests
{
    // Enough draws per thread to cross many block refills.
    private const int DrawsPerThread = CspNonce.NoncesPerBlock * 500;

    [GeneratedRegex("^[A-Za-z0-9+/]{22}==$")]
    private static partial Regex Base64Of16Bytes();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInHeader();

    [Test]
    public void Nonces_drawn_on_eight_threads_at_once_are_all_different()
    {
        const int threads = 8;
        var drawn = new ConcurrentBag<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var mine = new string[DrawsPerThread];
            start.SignalAndWait();
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = CspNonce.Create();
            }

            foreach (var nonce in mine)
            {
                drawn.Add(nonce);
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.That(drawn, Has.Count.EqualTo(threads * DrawsPerThread));
        Assert.That(drawn.Distinct().Count(), Is.EqualTo(threads * DrawsPerThread));
    }

    [Test]
    public void Every_nonce_is_the_base64_of_exactly_16_bytes()
    {
        for (var i = 0; i < CspNonce.NoncesPerBlock * 3; i++)
        {
            var nonce = CspNonce.Create();

            Assert.That(nonce, Does.Match(Base64Of16Bytes()));
            Assert.That(Convert.FromBase64String(nonce), Has.Length.EqualTo(CspNonce.ByteLength));
        }
    }

    [Test]
    public void Every_one_of_the_128_bits_varies_across_nonces_and_blocks()
    {
        // A block refilled only in part, or a used slot read again after being cleared, leaves bits stuck.
        var ones = new int[CspNonce.ByteLength * 8];
        const int draws = CspNonce.NoncesPerBlock * 16;
        for (var i = 0; i < draws; i++)
        {
            var bytes = Convert.FromBase64String(CspNonce.Create());
            for (var bit = 0; bit < ones.Length; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }

        Assert.That(ones, Has.All.GreaterThan(0).And.All.LessThan(draws));
    }

    [Test]
    public async Task Concurrent_requests_each_get_their_own_nonce_in_header_and_page()
    {
        await using var app = await CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.ScriptSrc().WithNonce())),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", (HttpContext c) => c.GetCspNonce());
            });

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await app.Client.GetAsync("/");
            var header = response.Headers.GetValues("Content-Security-Policy").Single();
            return (Header: NonceInHeader().Match(header).Groups[1].Value, Page: await response.Content.ReadAsStringAsync());
        }));

        Assert.That(responses.Select(r => r.Header), Is.EqualTo(responses.Select(r => r.Page)));
        Assert.That(responses.Select(r => r.Page).Distinct().Count(), Is.EqualTo(responses.Length));
        Assert.That(responses.Select(r => r.Page), Has.All.Match(Base64Of16Bytes()));
    }
}
