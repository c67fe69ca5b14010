using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedCam.Worker.Ledger;
using MedCam.Worker.Tests.Infrastructure;

namespace MedCam.Worker.Tests;

/// <summary>DICOM TLS at the worker level: dcmtk's storescu over TLS to <c>medcam serve</c> configured with a .pfx.</summary>
public sealed class ServeTlsTests
{
    [Fact]
    public async Task Serve_TlsCertificate_StorescuOverTlsStoredAndProcessedPlainTcpRefused()
    {
        using var temp = new TempDir();
        var (pfx, pem) = WriteSelfSigned(temp.Path, "worker-pfx-secret");
        var study = TestStudies.WriteCt(temp.Sub("study"), "tls-1", 3);
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"));
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data"), new Dictionary<string, string?>
        {
            ["TlsCertificate"] = pfx,
            ["TlsCertificatePassword"] = "worker-pfx-secret",
            ["Destinations:0"] = destination.Destination,
        });
        var port = worker.DicomPort.ToString(CultureInfo.InvariantCulture);

        // A plain-TCP sender cannot talk to a TLS port: nothing is stored.
        var plain = await Peers.RunAsync("storescu", ["-aet", "STORESCU", "-aec", "MEDCAM", "127.0.0.1", port, study.Files[0]], TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Empty(worker.Ledger.List());

        // TLS without a client certificate, the server's certificate verified against the one we made.
        var tls = await Peers.RunAsync("storescu", new[] { "+tla", "+cf", pem, "-rc", "-aet", "STORESCU", "-aec", "MEDCAM", "127.0.0.1", port }.Concat(study.Files), TimeSpan.FromSeconds(60));
        Assert.True(tls.ExitCode == 0, tls.Output);
        var record = await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);

        Assert.Equal(3, record.Instances);
        Assert.Equal(4, destination.ReceivedUids().Count);
        Assert.Contains(worker.Logs.Lines, l => l.Contains("(TLS)", StringComparison.Ordinal));
        Assert.DoesNotContain("worker-pfx-secret", worker.Logs.All, StringComparison.Ordinal);
        ServeEndToEndTests.AssertNoPhi(worker.Logs.All);
    }

    [Fact]
    public async Task Serve_TlsDestination_UntrustedCertificateRefusedPinnedCertificateDelivered()
    {
        using var temp = new TempDir();
        var (_, pem) = WriteSelfSigned(temp.Path, "unused");
        var study = TestStudies.WriteCt(temp.Sub("study"), "tls-dest-1", 2);
        // dcmtk's storescp serving DICOM TLS with our certificate; it does not ask the worker for a client certificate.
        await using var destination = await StorescpPeer.StartAsync(temp.Sub("dest"), options: ["+tls", Path.Combine(temp.Path, "medcam.key"), pem, "-ic"]);
        var tlsDestination = destination.Destination + "?tls";

        // The destination's self-signed certificate is not trusted: the export fails with the reason, nothing delivered.
        await using (var untrusting = await WorkerHarness.StartAsync(temp.Sub("data-1"), new Dictionary<string, string?> { ["Destinations:0"] = tlsDestination }))
        {
            Assert.Equal(0, (await untrusting.SendAsync(study.Files)).ExitCode);
            var waiting = await untrusting.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Exporting && r.Reason is not null);
            Assert.Contains("not trusted", waiting.Reason, StringComparison.Ordinal);
            Assert.Empty(destination.ReceivedUids());
        }

        // Pinned with TlsTrustedCertificate: delivered over TLS.
        await using var worker = await WorkerHarness.StartAsync(temp.Sub("data-2"), new Dictionary<string, string?>
        {
            ["Destinations:0"] = tlsDestination,
            ["TlsTrustedCertificate"] = pem,
        });
        Assert.Equal(0, (await worker.SendAsync(study.Files)).ExitCode);
        await worker.WaitForAsync(study.StudyInstanceUid, r => r.State == StudyState.Done);
        Assert.Equal(3, destination.ReceivedUids().Count);
    }

    /// <summary>
    /// A self-signed server certificate for 127.0.0.1 as a password-protected .pfx, its PEM certificate, and its
    /// private key as medcam.key (PEM) for dcmtk.
    /// </summary>
    private static (string Pfx, string Pem) WriteSelfSigned(string folder, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var pfx = Path.Combine(folder, "medcam.pfx");
        var pem = Path.Combine(folder, "medcam.pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "medcam.key"), key.ExportRSAPrivateKeyPem());
        return (pfx, pem);
    }
}
