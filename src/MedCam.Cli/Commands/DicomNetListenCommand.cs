using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;
using Microsoft.Extensions.Logging;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom listen --port P --aet TITLE --out DIR</c>: a storage SCP filing one folder per study.</summary>
internal static class DicomNetListenCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on.", Required = true };
        var aet = new Option<string>("--aet") { Description = "Our AE title (called AE title peers must use).", DefaultValueFactory = _ => "MEDCAM" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder receiving one sub-folder per study.", Required = true };
        var allow = new Option<string[]>("--allow-aet") { Description = "Calling AE titles allowed in (default: any).", AllowMultipleArgumentsPerToken = true };
        var maxAssociations = new Option<int>("--max-associations") { Description = "Simultaneous associations.", DefaultValueFactory = _ => 64 };
        var journalMb = new Option<long>("--journal-mb")
        {
            Description = "Journal made at start-up (MiB): a burst this big is acknowledged at the journal's speed, its files written once the sender pauses.",
            DefaultValueFactory = _ => 512,
        };
        var minFree = new Option<long>("--min-free-mb") { Description = "Refuse C-STORE (0xA700) below this much free disk space.", DefaultValueFactory = _ => 512 };
        var durability = new Option<StoreDurability>("--durability")
        {
            Description = "How an instance is made crash-safe before success: Journal (write-ahead journal, one flush; default), PerFileFsync, None.",
            DefaultValueFactory = _ => StoreDurability.Journal,
        };
        var noFsync = new Option<bool>("--no-fsync") { Description = "Same as --durability None: answer success without any flush (not crash-safe)." };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "PKCS#12 (.pfx) server certificate with key: serve DICOM TLS." };
        var tlsPassword = new Option<string?>("--tls-password") { Description = "Password of the .pfx file." };
        var verbose = DicomNetCommon.Verbose();
        var command = new Command("listen", "Receive DICOM with C-STORE (and answer C-ECHO) until interrupted.");
        foreach (var option in new Option[] { port, aet, output, allow, maxAssociations, minFree, journalMb, durability, noFsync, tlsCert, tlsPassword, verbose })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var title = parse.GetValue(aet)!;
            if (!DicomNetCommon.ValidAe(title, "--aet", out var error))
            {
                Console.Error.WriteLine($"medcam dicom listen: {error}");
                return 2;
            }

            var logging = DicomNetCommon.Logging(parse.GetValue(verbose));
            var notifications = Channel.CreateUnbounded<StoredInstance>(new UnboundedChannelOptions { SingleReader = true });
            var store = new DicomFileStore(
                new DicomFileStoreOptions
                {
                    Root = parse.GetValue(output)!.FullName,
                    MinimumFreeBytes = parse.GetValue(minFree) * 1024 * 1024,
                    Durability = parse.GetValue(noFsync) ? StoreDurability.None : parse.GetValue(durability),
                    Notifications = notifications.Writer,
                }.WithJournalSize(Math.Max(8, parse.GetValue(journalMb))),
                logging.CreateLogger<DicomFileStore>());
            var builder = new DicomServerBuilder()
                .ListenOn(IPAddress.Any, parse.GetValue(port))
                .WithAeTitle(title)
                .WithMaxAssociations(Math.Max(1, parse.GetValue(maxAssociations)))
                .UseStore(store)
                .WithLogging(logging);
            if (parse.GetValue(allow) is { Length: > 0 } allowed)
            {
                builder.AllowCallingAeTitles(allowed);
            }

            if (parse.GetValue(tlsCert) is { } certificate)
            {
                builder.WithTls(X509CertificateLoader.LoadPkcs12FromFile(certificate.FullName, parse.GetValue(tlsPassword)));
            }

            var server = builder.Build();
            try
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                Console.Error.WriteLine($"medcam dicom listen: cannot listen on port {parse.GetValue(port)}: {ex.Message}");
                await store.DisposeAsync().ConfigureAwait(false);
                return 1;
            }

            await using (store.ConfigureAwait(false))
            await using (server.ConfigureAwait(false))
            {
                if (store.ReplayedInstances > 0)
                {
                    Console.WriteLine($"Journal replay restored {store.ReplayedInstances} instance(s) received before an unclean stop.");
                }

                Console.WriteLine($"Listening as {title} on port {server.LocalEndPoint.Port}; storing into {parse.GetValue(output)!.FullName} ({store.Durability}). Ctrl+C stops.");
                try
                {
                    await foreach (var stored in notifications.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        Console.WriteLine($"stored {stored.SopInstanceUid} from {stored.CallingAeTitle} -> {stored.Path}");
                    }
                }
                catch (OperationCanceledException)
                {
                    Console.WriteLine("Stopping.");
                }
            }

            logging.Dispose();
            return 0;
        });
        return command;
    }
}
