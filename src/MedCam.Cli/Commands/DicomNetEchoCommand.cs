using System.CommandLine;
using System.Diagnostics;
using MedCam.Dicom.Network;
using MedCam.Dicom.Network.Client;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom echo HOST PORT</c>: C-ECHO, like echoscu.</summary>
internal static class DicomNetEchoCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("host") { Description = "Peer host name or address." };
        var port = new Argument<int>("port") { Description = "Peer DICOM port." };
        var aet = DicomNetCommon.CallingAe();
        var aec = DicomNetCommon.CalledAe();
        var tls = DicomNetCommon.Tls();
        var trust = DicomNetCommon.TlsTrust();
        var verbose = DicomNetCommon.Verbose();
        var command = new Command("echo", "Verify a DICOM peer with C-ECHO.");
        command.Arguments.Add(host);
        command.Arguments.Add(port);
        foreach (var option in new Option[] { aet, aec, tls, trust, verbose })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (h, p, a, c) = (parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(aet)!, parse.GetValue(aec)!);
            if (!DicomNetCommon.ValidAe(a, "--aet", out var error) || !DicomNetCommon.ValidAe(c, "--aec", out error))
            {
                Console.Error.WriteLine($"medcam dicom echo: {error}");
                return 2;
            }

            using var logging = DicomNetCommon.Logging(parse.GetValue(verbose));
            var client = new DicomClient(DicomNetCommon.ClientOptions(h, p, a, c, DicomNetCommon.ClientTls(parse.GetValue(tls), parse.GetValue(trust), h), retries: 0), logging);
            var clock = Stopwatch.StartNew();
            try
            {
                var status = await client.EchoAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"C-ECHO {c}@{h}:{p}: {status} in {clock.Elapsed.TotalMilliseconds:0.0} ms");
                return status.IsSuccess ? 0 : 1;
            }
            catch (DicomNetworkException ex)
            {
                Console.Error.WriteLine($"medcam dicom echo: {c}@{h}:{p}: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
