using System.Net;
using System.Text;

namespace MedCam.Worker.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP endpoint standing in for a FHIR server: answers the first <c>failures</c> POSTs with 500, then
/// 200 with a transaction-response, and keeps every body it accepted.
/// </summary>
internal sealed class FhirEndpoint : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private int failuresLeft;

    public FhirEndpoint(int failures)
    {
        failuresLeft = failures;
        Port = Peers.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/fhir/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/fhir/";

    public int Refused { get; private set; }

    public List<string> Accepted { get; } = [];

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
            string answer;
            lock (Accepted)
            {
                if (failuresLeft > 0)
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
