using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedCam.Fhir.Client;
using MedCam.Fhir.Model;
using MedCam.Fhir.Results;
using MedCam.Fhir.Serialization;
using MedCam.Fhir.Tests.Support;

namespace MedCam.Fhir.Tests;

public sealed class FhirClientTests : IDisposable
{
    private const string TransactionResponse = """
        {"resourceType":"Bundle","type":"transaction-response","entry":[
          {"response":{"status":"201 Created","location":"Device/1/_history/1"}},
          {"response":{"status":"200 OK","location":"Observation/7/_history/1"}}]}
        """;

    private const string RequiredOutcome = """
        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"required",
          "diagnostics":"Observation.status: minimum required = 1, but only found 0",
          "expression":["Bundle.entry[2].resource.status"]}]}
        """;

    private readonly HttpClient _http = new();
    private readonly Bundle _bundle = ExplanationBundleBuilder.Build(SampleResults.CovidCt());

    public void Dispose() => _http.Dispose();

    private FhirClient Client(Uri baseUrl, int retries = 3, TimeSpan? attemptTimeout = null, string? token = "s3cr3t",
        Func<CancellationToken, ValueTask<string?>>? tokenProvider = null) => new(_http, new FhirClientOptions
        {
            BaseUrl = baseUrl,
            BearerToken = token,
            AccessTokenProvider = tokenProvider,
            MaxRetryAttempts = retries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(5),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        });

    [Fact]
    public async Task PostTransactionAsync_ServerFailsWith503Then429ThenAccepts_RetriesAndDeliversOnce()
    {
        await using var server = new LoopbackHttpServer(r => r.Number switch
        {
            1 => new CannedReply(503, "busy", "text/plain"),
            2 => new CannedReply(429),
            _ => new CannedReply(200, TransactionResponse),
        });

        var result = await Client(server.BaseUrl).PostTransactionAsync(_bundle);
        await Task.Delay(200); // nothing may arrive after the accepted attempt

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, server.Requests.Count);
        var expected = FhirJson.SerializeToUtf8Bytes(_bundle);
        Assert.All(server.Requests, r => Assert.Equal(expected, r.Body));
        Assert.All(server.Requests, r => Assert.Equal(("POST", "/fhir"), (r.Method, r.Path)));
        Assert.Equal(BundleType.TransactionResponse, result.Response!.Type);
        Assert.Equal(["201 Created", "200 OK"], result.Response.Entry!.Select(e => e.Response!.Status));
    }

    [Fact]
    public async Task PostTransactionAsync_AnyAttempt_SendsBearerTokenAndFhirMediaTypes()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(200, TransactionResponse));

        await Client(server.BaseUrl).PostTransactionAsync(_bundle);

        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer s3cr3t", request.Authorization);
        Assert.Equal("application/fhir+json; charset=utf-8", request.ContentType);
        Assert.Equal("application/fhir+json", request.Accept);
    }

    [Fact]
    public async Task PostTransactionAsync_TokenProvider_IsAskedAgainForEachRetry()
    {
        var issued = 0;
        await using var server = new LoopbackHttpServer(r => r.Number == 1 ? new CannedReply(502) : new CannedReply(200, TransactionResponse));

        await Client(server.BaseUrl, token: null,
            tokenProvider: _ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref issued)}")).PostTransactionAsync(_bundle);

        Assert.Equal(["Bearer token-1", "Bearer token-2"], server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task PostTransactionAsync_429WithRetryAfter_WaitsAsLongAsTheServerAsks()
    {
        await using var server = new LoopbackHttpServer(r => r.Number == 1
            ? new CannedReply(429) { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } }
            : new CannedReply(200, TransactionResponse));

        var result = await Client(server.BaseUrl).PostTransactionAsync(_bundle);

        Assert.Equal(2, result.Attempts);
        var gap = server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt;
        // The backoff alone would wait ~10 ms; Retry-After asked for one second.
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"retried after {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task PostTransactionAsync_503WithRetryAfterHttpDate_WaitsUntilThatTime()
    {
        await using var server = new LoopbackHttpServer(r => r.Number == 1
            ? new CannedReply(503)
            {
                // RFC 9110 10.2.3 HTTP-date form; whole seconds, so "now + 2 s" means a wait of 1 to 2 s.
                Headers = new Dictionary<string, string> { ["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R") },
            }
            : new CannedReply(200, TransactionResponse));

        var result = await Client(server.BaseUrl).PostTransactionAsync(_bundle);

        Assert.Equal(2, result.Attempts);
        var gap = server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt;
        Assert.True(gap >= TimeSpan.FromMilliseconds(900), $"retried after {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task PostTransactionAsync_400WithOperationOutcome_ThrowsWithServerTextAndDoesNotRetry()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(400, RequiredOutcome));

        var ex = await Assert.ThrowsAsync<FhirServerException>(() => Client(server.BaseUrl).PostTransactionAsync(_bundle));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("Observation.status: minimum required = 1, but only found 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Bundle.entry[2].resource.status", ex.Message, StringComparison.Ordinal);
        Assert.Equal(IssueSeverity.Error, ex.Outcome!.Issue[0].Severity);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task PostTransactionAsync_422WithPlainBody_ThrowsWithTheBody()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(422, "<html>profile check failed</html>", "text/html"));

        var ex = await Assert.ThrowsAsync<FhirServerException>(() => Client(server.BaseUrl).PostTransactionAsync(_bundle));

        Assert.Equal((HttpStatusCode)422, ex.StatusCode);
        Assert.Null(ex.Outcome);
        Assert.Contains("profile check failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTransactionAsync_Persistent500_GivesUpAfterAllRetriesWithOutcome()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(500, RequiredOutcome.Replace("\"required\"", "\"exception\"", StringComparison.Ordinal)));

        var ex = await Assert.ThrowsAsync<FhirServerException>(() => Client(server.BaseUrl, retries: 2).PostTransactionAsync(_bundle));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("after 3 attempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTransactionAsync_ServerNeverAnswersInTime_ThrowsTimeoutAfterRetrying()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(200, TransactionResponse) { Delay = TimeSpan.FromSeconds(60) });
        var attempts = 0;
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            Client(server.BaseUrl, retries: 1, attemptTimeout: TimeSpan.FromMilliseconds(500), token: null,
                tokenProvider: _ => ValueTask.FromResult<string?>($"t{Interlocked.Increment(ref attempts)}")).PostTransactionAsync(_bundle));

        // Without the attempt timeout this would wait for the server's 60 s (generous bound: shared, loaded CI cores).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Contains("2 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, attempts);
        // On a loaded machine the second request may be cancelled before it reaches the server; the first always does.
        Assert.InRange(server.Requests.Count, 1, 2);
    }

    [Fact]
    public async Task PostTransactionAsync_SlowFirstAttemptThenFast_TimesOutOnceThenSucceeds()
    {
        await using var server = new LoopbackHttpServer(r => new CannedReply(200, TransactionResponse)
        {
            Delay = r.Number == 1 ? TimeSpan.FromSeconds(60) : TimeSpan.Zero,
        });

        var result = await Client(server.BaseUrl, attemptTimeout: TimeSpan.FromMilliseconds(1500)).PostTransactionAsync(_bundle);

        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task PostTransactionAsync_NothingListening_RetriesThenThrowsHttpRequestException()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            Client(new Uri($"http://127.0.0.1:{port}/fhir"), retries: 2, token: null,
                tokenProvider: _ => ValueTask.FromResult<string?>($"t{Interlocked.Increment(ref attempts)}")).PostTransactionAsync(_bundle));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task PostTransactionAsync_CallerCancels_StopsWaitingAtOnce()
    {
        await using var server = new LoopbackHttpServer(_ => new CannedReply(200, TransactionResponse) { Delay = TimeSpan.FromSeconds(60) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(server.BaseUrl).PostTransactionAsync(_bundle, cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        await Task.Delay(300);
        Assert.InRange(server.Requests.Count, 0, 1); // cancelled, not retried
    }

    [Fact]
    public async Task PostTransactionAsync_NonTransactionBundle_IsRefusedBeforeSending()
    {
        var collection = _bundle with { Type = BundleType.Collection };

        await Assert.ThrowsAsync<ArgumentException>(() => Client(new Uri("http://127.0.0.1:9/fhir")).PostTransactionAsync(collection));
    }
}
