namespace MedCam.Dicom.Network.Association;

/// <summary>The result of feeding one event to the state machine.</summary>
public readonly record struct AssociationTransition(AssociationState From, AssociationEvent Event, AssociationAction Action, AssociationState To);

/// <summary>
/// The DICOM upper-layer state machine, PS3.8 Table 9-10, written once as a table. It decides; the connection acts.
/// Thread-safe: a reader task and a writer may fire events concurrently.
/// </summary>
public sealed class AssociationStateMachine
{
    private readonly Lock gate = new();
    private AssociationState state = AssociationState.Idle;

    /// <param name="isRequestor">True on the side that sent the A-ASSOCIATE-RQ; decides the release-collision branch (AR-8).</param>
    public AssociationStateMachine(bool isRequestor) => IsRequestor = isRequestor;

    public bool IsRequestor { get; }

    public AssociationState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    /// <summary>Applies <paramref name="evt"/>. Events with no entry in Table 9-10 for the current state return null.</summary>
    public AssociationTransition? TryFire(AssociationEvent evt)
    {
        lock (gate)
        {
            var next = Lookup(state, evt, IsRequestor);
            if (next is not { } entry)
            {
                return null;
            }

            var transition = new AssociationTransition(state, evt, entry.Action, entry.To);
            state = entry.To;
            return transition;
        }
    }

    /// <summary>Applies a local primitive; throws when the primitive is not allowed in the current state.</summary>
    public AssociationTransition Fire(AssociationEvent evt)
    {
        var current = State;
        return TryFire(evt) ?? throw new InvalidOperationException($"{evt} is not allowed in state {current}.");
    }

    /// <summary>Table 9-10. PDUs received where they make no sense lead to AA-8 (or AA-1 in Sta2, AA-6/AA-7 in Sta13).</summary>
    internal static (AssociationAction Action, AssociationState To)? Lookup(AssociationState state, AssociationEvent evt, bool isRequestor)
    {
        const AssociationState Sta1 = AssociationState.Idle;
        const AssociationState Sta13 = AssociationState.AwaitingTransportClose;
        var receivedPdu = evt is AssociationEvent.AssociateAcceptReceived or AssociationEvent.AssociateRejectReceived
            or AssociationEvent.AssociateRequestReceived or AssociationEvent.PDataReceived
            or AssociationEvent.ReleaseRequestReceived or AssociationEvent.ReleaseResponseReceived
            or AssociationEvent.InvalidPduReceived;

        switch (state, evt)
        {
            case (AssociationState.Idle, AssociationEvent.AssociateRequestPrimitive):
                return (AssociationAction.AE1IssueTransportConnect, AssociationState.AwaitingTransportOpen);
            case (AssociationState.AwaitingTransportOpen, AssociationEvent.TransportConnectConfirm):
                return (AssociationAction.AE2SendAssociateRequest, AssociationState.AwaitingAssociateResponse);
            case (AssociationState.AwaitingAssociateResponse, AssociationEvent.AssociateAcceptReceived):
                return (AssociationAction.AE3ConfirmAccept, AssociationState.Established);
            case (AssociationState.AwaitingAssociateResponse, AssociationEvent.AssociateRejectReceived):
                return (AssociationAction.AE4ConfirmRejectAndClose, Sta1);
            case (AssociationState.Idle, AssociationEvent.TransportConnectIndication):
                return (AssociationAction.AE5AcceptTransportStartArtim, AssociationState.AwaitingAssociateRequest);
            case (AssociationState.AwaitingAssociateRequest, AssociationEvent.AssociateRequestReceived):
                return (AssociationAction.AE6StopArtimIndicateRequest, AssociationState.AwaitingLocalAssociateResponse);
            case (AssociationState.AwaitingLocalAssociateResponse, AssociationEvent.AssociateAcceptPrimitive):
                return (AssociationAction.AE7SendAccept, AssociationState.Established);
            case (AssociationState.AwaitingLocalAssociateResponse, AssociationEvent.AssociateRejectPrimitive):
                return (AssociationAction.AE8SendRejectStartArtim, Sta13);

            case (AssociationState.Established, AssociationEvent.PDataRequestPrimitive):
                return (AssociationAction.DT1SendPData, AssociationState.Established);
            case (AssociationState.Established, AssociationEvent.PDataReceived):
                return (AssociationAction.DT2IndicatePData, AssociationState.Established);

            case (AssociationState.Established, AssociationEvent.ReleaseRequestPrimitive):
                return (AssociationAction.AR1SendReleaseRequest, AssociationState.AwaitingReleaseResponse);
            case (AssociationState.Established, AssociationEvent.ReleaseRequestReceived):
                return (AssociationAction.AR2IndicateReleaseRequest, AssociationState.AwaitingLocalReleaseResponse);
            case (AssociationState.AwaitingReleaseResponse, AssociationEvent.ReleaseResponseReceived):
                return (AssociationAction.AR3ConfirmReleaseAndClose, Sta1);
            case (AssociationState.AwaitingLocalReleaseResponse, AssociationEvent.ReleaseResponsePrimitive):
                return (AssociationAction.AR4SendReleaseResponseStartArtim, Sta13);
            case (Sta13, AssociationEvent.TransportClosed):
                return (AssociationAction.AR5StopArtim, Sta1);
            case (AssociationState.AwaitingReleaseResponse, AssociationEvent.PDataReceived):
                return (AssociationAction.AR6IndicatePData, AssociationState.AwaitingReleaseResponse);
            case (AssociationState.AwaitingLocalReleaseResponse, AssociationEvent.PDataRequestPrimitive):
                return (AssociationAction.AR7SendPData, AssociationState.AwaitingLocalReleaseResponse);
            case (AssociationState.AwaitingReleaseResponse, AssociationEvent.ReleaseRequestReceived):
                return (AssociationAction.AR8IndicateReleaseCollision, isRequestor
                    ? AssociationState.CollisionRequestorAwaitingLocalResponse
                    : AssociationState.CollisionAcceptorAwaitingReleaseResponse);
            case (AssociationState.CollisionRequestorAwaitingLocalResponse, AssociationEvent.ReleaseResponsePrimitive):
                return (AssociationAction.AR9SendReleaseResponse, AssociationState.CollisionRequestorAwaitingReleaseResponse);
            case (AssociationState.CollisionAcceptorAwaitingReleaseResponse, AssociationEvent.ReleaseResponseReceived):
                return (AssociationAction.AR10ConfirmRelease, AssociationState.CollisionAcceptorAwaitingLocalResponse);
            case (AssociationState.CollisionRequestorAwaitingReleaseResponse, AssociationEvent.ReleaseResponseReceived):
                return (AssociationAction.AR3ConfirmReleaseAndClose, Sta1);
            case (AssociationState.CollisionAcceptorAwaitingLocalResponse, AssociationEvent.ReleaseResponsePrimitive):
                return (AssociationAction.AR4SendReleaseResponseStartArtim, Sta13);

            case (AssociationState.AwaitingTransportOpen, AssociationEvent.AbortRequestPrimitive):
                return (AssociationAction.AA2CloseTransport, Sta1);
            case (AssociationState.AwaitingTransportOpen, AssociationEvent.TransportClosed):
                return (AssociationAction.AA4IndicateProviderAbort, Sta1);
            case (>= AssociationState.AwaitingLocalAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse
                and not AssociationState.AwaitingTransportOpen, AssociationEvent.AbortRequestPrimitive):
                return (AssociationAction.AA1SendAbortStartArtim, Sta13);

            case (AssociationState.AwaitingAssociateRequest or Sta13, AssociationEvent.AbortReceived):
                return (AssociationAction.AA2CloseTransport, Sta1);
            case (AssociationState.AwaitingAssociateRequest or Sta13, AssociationEvent.ArtimExpired):
                return (AssociationAction.AA2CloseTransport, Sta1);
            case (AssociationState.AwaitingAssociateRequest, AssociationEvent.TransportClosed):
                return (AssociationAction.AA5StopArtim, Sta1);
            case (>= AssociationState.AwaitingLocalAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse
                and not AssociationState.AwaitingTransportOpen, AssociationEvent.AbortReceived):
                return (AssociationAction.AA3IndicateAbortAndClose, Sta1);
            case (>= AssociationState.AwaitingLocalAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse
                and not AssociationState.AwaitingTransportOpen, AssociationEvent.TransportClosed):
                return (AssociationAction.AA4IndicateProviderAbort, Sta1);

            case (AssociationState.AwaitingAssociateRequest, _) when receivedPdu:
                return (AssociationAction.AA1SendAbortStartArtim, Sta13);
            case (Sta13, AssociationEvent.AssociateRequestReceived or AssociationEvent.InvalidPduReceived):
                return (AssociationAction.AA7SendAbort, Sta13);
            case (Sta13, _) when receivedPdu:
                return (AssociationAction.AA6Ignore, Sta13);
            case (>= AssociationState.AwaitingLocalAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse
                and not AssociationState.AwaitingTransportOpen, _) when receivedPdu:
                return (AssociationAction.AA8SendProviderAbortStartArtim, Sta13);
            default:
                return null;
        }
    }
}
