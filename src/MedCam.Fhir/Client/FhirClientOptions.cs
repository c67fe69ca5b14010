namespace MedCam.Fhir.Client;

/// <summary>Where and how <see cref="FhirClient"/> posts transactions.</summary>
public sealed record FhirClientOptions
{
    /// <summary>The FHIR server's base URL; a transaction is POSTed to the base itself (R4 http.html#transaction).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>A fixed bearer token; ignored when <see cref="AccessTokenProvider"/> is set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Asked for a token before every attempt, so a refreshed token is used on retries.</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Time one attempt may take (request sent to response read).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, on 408, 429, 5xx, network errors and attempt timeouts.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of any wait between attempts, including one a server asks for with Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"FhirClientOptions {{ BaseUrl = {BaseUrl} }}";
}
