using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedCam.Fhir.Model;
using MedCam.Fhir.Serialization;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MedCam.Fhir.Client;

/// <summary>
/// Posts FHIR transaction Bundles with bearer-token auth. Each attempt has its own timeout; 408, 429, 5xx, network
/// errors and timeouts are retried with exponential backoff and jitter, honouring Retry-After. Other 4xx answers
/// are final and surface the server's OperationOutcome in a <see cref="FhirServerException"/>.
/// A transaction is atomic on the server (R4 http.html#transaction) and every MedCam entry is a conditional create,
/// so re-sending after a lost answer does not duplicate anything.
/// </summary>
public sealed class FhirClient : IFhirTransactionClient
{
    private static readonly MediaTypeHeaderValue FhirJsonContentType = new(FhirJson.MediaType) { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly FhirClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public FhirClient(HttpClient httpClient, FhirClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"FHIR base URL must be an absolute http(s) URL, got '{options.BaseUrl}'.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetryAttempts, nameof(options.MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.AttemptTimeout, TimeSpan.Zero, nameof(options.AttemptTimeout));

        _http = httpClient;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _pipeline = BuildPipeline(options, _time);
    }

    public async Task<FhirTransactionResult> PostTransactionAsync(Bundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (bundle.Type != BundleType.Transaction)
        {
            throw new ArgumentException($"Only transaction Bundles are posted, this one is a {bundle.Type}.", nameof(bundle));
        }

        // Serialised (and checked) once; each attempt sends the same bytes.
        var payload = FhirJson.SerializeToUtf8Bytes(bundle);
        var attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    Interlocked.Increment(ref attempts);
                    return await SendOnceAsync(payload, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException(
                $"FHIR server {_options.BaseUrl} did not answer within {_options.AttemptTimeout.TotalSeconds:0.###} s " +
                $"({attempts} attempts).", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new FhirServerException(response.StatusCode, TryRead<OperationOutcome>(body),
                    Encoding.UTF8.GetString(body), attempts);
            }

            return new FhirTransactionResult(response.StatusCode, TryRead<Bundle>(body), attempts);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(byte[] payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.BaseUrl)
        {
            Content = new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = FhirJsonContentType;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson.MediaType));

        var token = _options.AccessTokenProvider is { } provider
            ? await provider(cancellationToken).ConfigureAwait(false)
            : _options.BearerToken;
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        return response;
    }

    private static T? TryRead<T>(byte[] body)
        where T : Resource
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return FhirJson.Deserialize(body) as T;
        }
        catch (JsonException)
        {
            // Not FHIR JSON (an HTML error page from a proxy, say): the caller reports the raw body instead.
            return null;
        }
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(FhirClientOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options, time)),
                // A discarded answer still holds its connection until disposed (disposing twice is harmless).
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        // Inside the retry, so each attempt gets the full timeout.
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) =>
        outcome.Exception switch
        {
            HttpRequestException or TimeoutRejectedException or IOException => true,
            // HttpClient.Timeout of the injected client surfaces as a cancellation the caller did not ask for.
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            null => outcome.Result is { } response && IsTransient(response.StatusCode),
            _ => false,
        };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    // RFC 9110 10.2.3: Retry-After is either seconds or an HTTP date. Null lets the exponential backoff decide.
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, FhirClientOptions options, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var wait = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : TimeSpan.Zero);
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        return wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait;
    }
}
