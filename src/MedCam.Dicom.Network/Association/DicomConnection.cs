using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using MedCam.Dicom.Network.Pdus;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Association;

/// <summary>
/// One transport connection driven by the PS3.8 state machine: reads and frames PDUs with hard size limits,
/// sends PDUs under a write lock, and turns timeouts, malformed input and lost transports into the actions of
/// Table 9-10. It never lets a peer's bytes decide how much memory is allocated beyond the negotiated limits.
/// </summary>
internal sealed class DicomConnection : IAsyncDisposable
{
    /// <summary>Upper bound for A-ASSOCIATE PDUs: 128 contexts with a dozen syntaxes each stay far below it.</summary>
    internal const int MaxAssociatePduLength = 1 << 20;

    /// <summary>Accepted P-DATA body when we announced "unlimited" (0).</summary>
    internal const int UnlimitedPDataCap = 64 << 20;

    private readonly Stream stream;
    private readonly Socket? socket;
    private readonly ILogger logger;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly byte[] header = new byte[PduCodec.HeaderLength];
    private byte[] receiveBuffer;
    private int closed;

    public DicomConnection(Stream stream, Socket? socket, bool isRequestor, AssociationTimeouts timeouts, ILogger logger, string name)
    {
        this.stream = stream;
        this.socket = socket;
        this.logger = logger;
        Name = name;
        Timeouts = timeouts;
        Machine = new AssociationStateMachine(isRequestor);
        receiveBuffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    }

    public string Name { get; }

    public AssociationStateMachine Machine { get; }

    public AssociationTimeouts Timeouts { get; }

    /// <summary>The maximum P-DATA-TF length we announced (0 = unlimited).</summary>
    public uint OwnMaxPduLength { get; set; }

    /// <summary>The maximum P-DATA-TF length the peer announced (0 = unlimited).</summary>
    public uint PeerMaxPduLength { get; set; }

    public bool IsClosed => Volatile.Read(ref closed) != 0;

    /// <summary>
    /// Largest PDV payload we may put in one P-DATA-TF for this peer (PS3.8 9.3.5: length = 6 + data per PDV), rounded
    /// down to even: message fragments must be even (an odd peer maximum such as 4097 would otherwise give odd ones).
    /// </summary>
    public int MaxSendFragment(int localCap) =>
        (PeerMaxPduLength == 0 ? localCap : (int)Math.Min(localCap, PeerMaxPduLength - 6)) & ~1;

    /// <summary>
    /// Reads the next PDU and applies its event. Returns PDUs the caller must act on; ignored PDUs (AA-6) are skipped.
    /// Throws <see cref="DicomAssociationAbortedException"/> whenever the association ends abnormally.
    /// </summary>
    public async ValueTask<ReceivedPdu> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReceivedPdu received;
            try
            {
                received = await ReadPduAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DicomPduException ex)
            {
                logger.LogWarning("{Association}: malformed PDU: {Problem}", Name, ex.Message);
                await ApplyAsync(AssociationEvent.InvalidPduReceived, ex.Reason).ConfigureAwait(false);
                throw new DicomAssociationAbortedException($"Association aborted: malformed PDU ({ex.Message}).", ex);
            }

            var evt = received.Type switch
            {
                PduType.AssociateRequest => AssociationEvent.AssociateRequestReceived,
                PduType.AssociateAccept => AssociationEvent.AssociateAcceptReceived,
                PduType.AssociateReject => AssociationEvent.AssociateRejectReceived,
                PduType.PData => AssociationEvent.PDataReceived,
                PduType.ReleaseRequest => AssociationEvent.ReleaseRequestReceived,
                PduType.ReleaseResponse => AssociationEvent.ReleaseResponseReceived,
                _ => AssociationEvent.AbortReceived,
            };
            var action = await ApplyAsync(evt, AbortReason.UnexpectedPdu).ConfigureAwait(false);
            switch (action)
            {
                case AssociationAction.AA6Ignore:
                    continue;
                case AssociationAction.AA1SendAbortStartArtim or AssociationAction.AA7SendAbort or AssociationAction.AA8SendProviderAbortStartArtim:
                    throw new DicomAssociationAbortedException($"Association aborted: unexpected {received.Type} PDU.");
                case AssociationAction.AA2CloseTransport or AssociationAction.AA3IndicateAbortAndClose:
                    var abort = received.Pdu as AbortPdu;
                    throw new DicomAssociationAbortedException(
                        $"Association aborted by the peer (source {abort?.Source}, reason {abort?.Reason}).");
                default:
                    return received;
            }
        }
    }

    /// <summary>Sends a PDU that corresponds to a local primitive (Evt1-Evt15).</summary>
    public async ValueTask SendAsync(AssociationEvent primitive, Pdu pdu, CancellationToken cancellationToken)
    {
        Machine.Fire(primitive);
        await WriteAsync(PduCodec.Encode(pdu), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes raw PDU bytes (already framed) under the write lock.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Machine.TryFire(AssociationEvent.TransportClosed);
            Close();
            throw new DicomAssociationAbortedException($"Association lost: the connection closed while sending ({ex.Message}).", ex);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Writes one P-DATA-TF whose PDV header and data already sit in <paramref name="pdu"/> (Evt9).</summary>
    public ValueTask SendPDataAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
    {
        Machine.Fire(AssociationEvent.PDataRequestPrimitive);
        return WriteAsync(pdu, cancellationToken);
    }

    /// <summary>Frames a single-PDV P-DATA-TF header into the first 12 bytes of <paramref name="buffer"/>.</summary>
    public static void WritePDataHeader(Span<byte> buffer, byte presentationContextId, bool isCommand, bool isLast, int dataLength)
    {
        buffer[0] = (byte)PduType.PData;
        buffer[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(buffer[2..], (uint)(dataLength + 6));
        BinaryPrimitives.WriteUInt32BigEndian(buffer[6..], (uint)(dataLength + 2));
        buffer[10] = presentationContextId;
        buffer[11] = PduCodec.MessageControlHeader(isCommand, isLast);
    }

    /// <summary>A-ABORT request primitive (Evt15): sends an A-ABORT if the state calls for it, then closes.</summary>
    public async ValueTask AbortAsync(AbortSource source, AbortReason reason)
    {
        var transition = Machine.TryFire(AssociationEvent.AbortRequestPrimitive);
        if (transition?.Action == AssociationAction.AA1SendAbortStartArtim)
        {
            await TrySendAbortAsync(source, reason).ConfigureAwait(false);
        }

        Close();
    }

    /// <summary>
    /// Sta13 after our A-RELEASE-RP or A-ASSOCIATE-RJ: the peer should close; wait up to ARTIM for it (AR-5 / Evt18).
    /// </summary>
    public async ValueTask AwaitPeerCloseAsync(CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(Timeouts.Artim);
        try
        {
            var scratch = new byte[512];
            while (await stream.ReadAsync(scratch, timer.Token).ConfigureAwait(false) > 0)
            {
                // PDUs arriving in Sta13 are ignored (AA-6).
            }

            Machine.TryFire(AssociationEvent.TransportClosed);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Machine.TryFire(AssociationEvent.ArtimExpired);
        }
        finally
        {
            Close();
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        try
        {
            socket?.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already gone.
        }

        stream.Dispose();
        socket?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsClosed && Machine.State is not (AssociationState.Idle or AssociationState.AwaitingTransportClose))
        {
            await AbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
        }

        Close();
        var buffer = Interlocked.Exchange(ref receiveBuffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        writeLock.Dispose();
    }

    private async ValueTask<AssociationAction?> ApplyAsync(AssociationEvent evt, AbortReason reason)
    {
        var transition = Machine.TryFire(evt);
        var action = transition?.Action;
        switch (action)
        {
            case AssociationAction.AA1SendAbortStartArtim:
                await TrySendAbortAsync(AbortSource.ServiceUser, reason).ConfigureAwait(false);
                Close();
                break;
            case AssociationAction.AA7SendAbort or AssociationAction.AA8SendProviderAbortStartArtim:
                await TrySendAbortAsync(AbortSource.ServiceProvider, reason).ConfigureAwait(false);
                Close();
                break;
            case AssociationAction.AA2CloseTransport or AssociationAction.AA3IndicateAbortAndClose
                or AssociationAction.AE4ConfirmRejectAndClose or AssociationAction.AR3ConfirmReleaseAndClose
                or AssociationAction.AA4IndicateProviderAbort or AssociationAction.AA5StopArtim or AssociationAction.AR5StopArtim:
                Close();
                break;
            case null:
                // Not in the table for this state (e.g. after close): treat as a protocol error.
                await TrySendAbortAsync(AbortSource.ServiceProvider, reason).ConfigureAwait(false);
                Close();
                return AssociationAction.AA8SendProviderAbortStartArtim;
            default:
                break;
        }

        return action;
    }

    private async ValueTask TrySendAbortAsync(AbortSource source, AbortReason reason)
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await writeLock.WaitAsync(cts.Token).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(PduCodec.Encode(new AbortPdu(source, reason)), cts.Token).ConfigureAwait(false);
                await stream.FlushAsync(cts.Token).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogDebug("{Association}: could not send A-ABORT: {Problem}", Name, ex.Message);
        }
    }

    private async ValueTask<ReceivedPdu> ReadPduAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await stream.ReadExactlyAsync(header, timer.Token).ConfigureAwait(false);
            var type = (PduType)header[0];
            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
            var limit = type switch
            {
                PduType.AssociateRequest or PduType.AssociateAccept => MaxAssociatePduLength,
                PduType.PData => OwnMaxPduLength == 0 ? UnlimitedPDataCap : (long)OwnMaxPduLength,
                PduType.AssociateReject or PduType.ReleaseRequest or PduType.ReleaseResponse or PduType.Abort => 4,
                _ => throw new DicomPduException($"Unrecognized PDU type 0x{header[0]:X2}.", AbortReason.UnrecognizedPdu),
            };
            if (length > limit)
            {
                throw new DicomPduException($"{type} PDU claims {length} bytes, above the limit of {limit}.");
            }

            if (receiveBuffer.Length < length)
            {
                ArrayPool<byte>.Shared.Return(receiveBuffer);
                receiveBuffer = ArrayPool<byte>.Shared.Rent((int)length);
            }

            var body = receiveBuffer.AsMemory(0, (int)length);
            await stream.ReadExactlyAsync(body, timer.Token).ConfigureAwait(false);
            return type == PduType.PData
                ? new ReceivedPdu(type, null, PduCodec.DecodePresentationDataValues(body))
                : new ReceivedPdu(type, PduCodec.Decode(type, body), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var state = Machine.State;
            if (state is AssociationState.AwaitingAssociateRequest or AssociationState.AwaitingTransportClose)
            {
                Machine.TryFire(AssociationEvent.ArtimExpired);
                Close();
                throw new DicomAssociationAbortedException($"ARTIM expired after {timeout.TotalSeconds:0.#} s in {state}; connection closed.");
            }

            await AbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
            throw new DicomAssociationAbortedException($"No data from the peer for {timeout.TotalSeconds:0.#} s in {state}; association aborted.");
        }
        catch (OperationCanceledException)
        {
            await AbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or SocketException or ObjectDisposedException)
        {
            var transition = Machine.TryFire(AssociationEvent.TransportClosed);
            Close();
            throw new DicomAssociationAbortedException(
                $"Connection closed by the peer in {transition?.From.ToString() ?? "closed state"} ({ex.GetType().Name}).", ex);
        }
    }
}
