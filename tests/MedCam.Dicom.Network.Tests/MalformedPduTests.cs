using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Pdus;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>Hostile or broken peers end their own association only; the listener keeps serving.</summary>
public sealed class MalformedPduTests
{
    [Fact]
    public async Task RandomBytes_AreAbortedAndListenerKeepsServing()
    {
        await using var scp = await ScpHarness.StartAsync();
        var garbage = new byte[4096];
        new Random(1234).NextBytes(garbage);
        garbage[0] = 0xA5; // not a PDU type

        var reply = await ExchangeAsync(scp.Port, garbage, keepOpen: false);

        AssertAbortPdu(reply);
        await AssertStillServesAsync(scp);
    }

    [Fact]
    public async Task AbsurdLength_IsAbortedWithoutReadingOrAllocating()
    {
        await using var scp = await ScpHarness.StartAsync();
        byte[] header = [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
        var watch = Stopwatch.StartNew();

        var reply = await ExchangeAsync(scp.Port, header, keepOpen: true);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "The server waited for 4 GiB instead of aborting.");
        AssertAbortPdu(reply);
        await AssertStillServesAsync(scp);
    }

    [Fact]
    public async Task TruncatedAssociateRequest_ConnectionClosedAndListenerKeepsServing()
    {
        await using var scp = await ScpHarness.StartAsync();
        var request = PduCodec.Encode(Request());

        await ExchangeAsync(scp.Port, request.AsSpan(0, request.Length / 2).ToArray(), keepOpen: false);

        await AssertStillServesAsync(scp);
        for (var i = 0; i < 100 && scp.Server.ActiveAssociations > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, scp.Server.ActiveAssociations);
    }

    [Fact]
    public async Task InconsistentItemLengths_InAssociateRequest_AreAborted()
    {
        await using var scp = await ScpHarness.StartAsync();
        var request = PduCodec.Encode(Request());
        // The application context item (right after the 74 fixed bytes) claims more bytes than the PDU holds.
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(74 + 2), 0xFFF0);

        var reply = await ExchangeAsync(scp.Port, request, keepOpen: true);

        AssertAbortPdu(reply);
        await AssertStillServesAsync(scp);
    }

    [Fact]
    public async Task PeerStopsMidPdu_IsDroppedAfterArtimWhileOthersAreServed()
    {
        await using var scp = await ScpHarness.StartAsync();
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, scp.Port);
        var request = PduCodec.Encode(Request());
        await stalled.GetStream().WriteAsync(request.AsMemory(0, 40));
        var watch = Stopwatch.StartNew();

        // Served while the stalled peer holds its connection.
        await AssertStillServesAsync(scp);
        var rest = await ReadToEndAsync(stalled.GetStream(), TimeSpan.FromSeconds(10));

        Assert.Empty(rest);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task MalformedPDataInEstablishedAssociation_IsAbortedAndListenerKeepsServing()
    {
        await using var scp = await ScpHarness.StartAsync();
        using var raw = new TcpClient();
        await raw.ConnectAsync(IPAddress.Loopback, scp.Port);
        var stream = raw.GetStream();
        await stream.WriteAsync(PduCodec.Encode(Request()));
        var accept = new byte[6];
        await stream.ReadExactlyAsync(accept);
        Assert.Equal((byte)PduType.AssociateAccept, accept[0]);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(accept.AsSpan(2))];
        await stream.ReadExactlyAsync(body);
        // P-DATA-TF whose PDV item claims 1000 bytes inside a 20-byte PDU.
        byte[] pdata = [0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x03, 0xE8, 0x01, 0x03, .. new byte[14]];
        await stream.WriteAsync(pdata);

        var reply = await ReadToEndAsync(stream, TimeSpan.FromSeconds(5));

        AssertAbortPdu(reply);
        await AssertStillServesAsync(scp);
    }

    [Fact]
    public async Task PeerAbortsMidDataSet_LeavesNoFileAndNoTemporary()
    {
        await using var scp = await ScpHarness.StartAsync();
        using var raw = new TcpClient();
        await raw.ConnectAsync(IPAddress.Loopback, scp.Port);
        var stream = raw.GetStream();
        var request = Request() with
        {
            PresentationContexts = [new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", [DicomNetworkUids.ExplicitVrLittleEndian])],
        };
        await stream.WriteAsync(PduCodec.Encode(request));
        var header = new byte[6];
        await stream.ReadExactlyAsync(header);
        Assert.Equal((byte)PduType.AssociateAccept, header[0]);
        await stream.ReadExactlyAsync(new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))]);
        var command = Dimse.CommandSetCodec.Encode(Dimse.DimseCommand.CStoreRequest(1, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5.6"));
        await stream.WriteAsync(PduCodec.Encode(new PDataPdu([new PresentationDataValue(1, true, true, command)])));
        await stream.WriteAsync(PduCodec.Encode(new PDataPdu([new PresentationDataValue(1, false, false, new byte[8000])])));
        await Task.Delay(200);

        await stream.WriteAsync(PduCodec.Encode(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)));
        for (var i = 0; i < 100 && scp.Server.ActiveAssociations > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, scp.Server.ActiveAssociations);
        Assert.Empty(scp.ReceivedFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(scp.Root, ".incoming")));
        await AssertStillServesAsync(scp);
    }

    private static AssociateRequestPdu Request() => new()
    {
        CalledAeTitle = ScpHarness.AeTitle,
        CallingAeTitle = "RAW",
        PresentationContexts = [new PresentationContextProposal(1, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian])],
        UserInformation = new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4" },
    };

    private static void AssertAbortPdu(byte[] reply)
    {
        Assert.True(reply.Length >= 10, $"Expected an A-ABORT PDU, got {reply.Length} bytes.");
        Assert.Equal((byte)PduType.Abort, reply[0]);
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(2)));
    }

    private static async Task AssertStillServesAsync(ScpHarness scp)
    {
        var client = new DicomClient(new DicomClientOptions { Host = "127.0.0.1", Port = scp.Port, CalledAeTitle = ScpHarness.AeTitle });
        Assert.True((await client.EchoAsync()).IsSuccess);
    }

    private static async Task<byte[]> ExchangeAsync(int port, byte[] payload, bool keepOpen)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(payload);
        }
        catch (IOException)
        {
            // The server may already have aborted and reset the connection.
        }

        if (!keepOpen)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        return await ReadToEndAsync(stream, TimeSpan.FromSeconds(10));
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cts.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException)
        {
            // Connection reset after the A-ABORT.
        }

        Assert.False(cts.IsCancellationRequested, "The server kept the connection open.");
        return buffer.ToArray();
    }
}
