using System.Net;
using System.Text;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP endpoint standing in for a FHIR server: answers the first <c>failures</c> POSTs with 500, then
/// 200 with a transaction-response, and keeps every body it accepted. With <c>validate</c> it checks each body with
/// both FHIR validators (tools/fhir-validate: FHIR.js and the official R4 JSON schema) first and answers 422 with
/// their messages when either rejects it, as a validating FHIR server does.
/// </summary>
internal sealed class FhirEndpoint : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly bool validate;
    private readonly TempDir bodies = new("medcam-fhir-endpoint");
    private int failuresLeft;

    public FhirEndpoint(int failures, bool validate = false)
    {
        failuresLeft = failures;
        this.validate = validate;
        if (validate && !Directory.Exists(Path.Combine(Repo.Root, "tools", "fhir-validate", "node_modules")))
        {
            throw new InvalidOperationException("tools/fhir-validate/node_modules is missing: run `npm ci` there (scripts/setup.sh does); the FHIR validators are needed.");
        }

        Port = Peers.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/fhir/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/fhir/";

    public int Refused { get; private set; }

    public List<string> Accepted { get; } = [];

    /// <summary>What the validators said about each body they rejected.</summary>
    public List<string> Rejected { get; } = [];

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        bodies.Dispose();
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            string? invalid = null;
            if (validate && Volatile.Read(ref failuresLeft) == 0)
            {
                var file = Path.Combine(bodies.Path, $"bundle-{Guid.NewGuid():N}.json");
                await File.WriteAllTextAsync(file, body);
                var (code, verdict) = await Peers.RunAsync("node", [Path.Combine(Repo.Root, "tools", "fhir-validate", "validate.js"), file], TimeSpan.FromSeconds(120));
                invalid = code == 0 ? null : verdict;
            }

            string answer;
            lock (Accepted)
            {
                if (invalid is not null)
                {
                    Rejected.Add(invalid);
                    context.Response.StatusCode = 422;
                    answer = """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"rejected by the FHIR validators"}]}""";
                }
                else if (failuresLeft > 0)
                {
                    failuresLeft--;
                    Refused++;
                    context.Response.StatusCode = 500;
                    answer = """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception","diagnostics":"test failure"}]}""";
                }
                else
                {
                    Accepted.Add(body);
                    context.Response.StatusCode = 200;
                    answer = """{"resourceType":"Bundle","type":"transaction-response"}""";
                }
            }

            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "application/fhir+json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
