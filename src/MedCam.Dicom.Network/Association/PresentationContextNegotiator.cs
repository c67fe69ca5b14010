using MedCam.Dicom.Network.Pdus;

namespace MedCam.Dicom.Network.Association;

/// <summary>
/// Acceptor-side negotiation (PS3.8 9.3.3.2, PS3.7 D.3.3): answers every proposed context, picks one transfer syntax
/// per accepted context, and answers role selection and the asynchronous operations window.
/// </summary>
public sealed class PresentationContextNegotiator
{
    private readonly Func<string, bool> acceptAbstractSyntax;
    private readonly Func<string, bool> acceptTransferSyntax;
    private readonly IReadOnlyList<string>? preferred;

    public PresentationContextNegotiator(Func<string, bool> acceptAbstractSyntax, Func<string, bool> acceptTransferSyntax, IReadOnlyList<string>? preferredTransferSyntaxes)
    {
        this.acceptAbstractSyntax = acceptAbstractSyntax;
        this.acceptTransferSyntax = acceptTransferSyntax;
        preferred = preferredTransferSyntaxes;
    }

    /// <summary>One answer per proposal, in the proposal's order.</summary>
    public IReadOnlyList<PresentationContextAnswer> Negotiate(IReadOnlyList<PresentationContextProposal> proposals)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var answers = new List<PresentationContextAnswer>(proposals.Count);
        var seen = new HashSet<byte>();
        foreach (var proposal in proposals)
        {
            if (!seen.Add(proposal.Id))
            {
                // A repeated id cannot be answered twice; the first one stands.
                continue;
            }

            if (!acceptAbstractSyntax(proposal.AbstractSyntax))
            {
                answers.Add(new PresentationContextAnswer(proposal.Id, PresentationContextResult.AbstractSyntaxNotSupported, null));
                continue;
            }

            var chosen = Choose(proposal.TransferSyntaxes);
            answers.Add(chosen is null
                ? new PresentationContextAnswer(proposal.Id, PresentationContextResult.TransferSyntaxesNotSupported, null)
                : new PresentationContextAnswer(proposal.Id, PresentationContextResult.Acceptance, chosen));
        }

        return answers;
    }

    /// <summary>
    /// Role selection answers (PS3.7 D.3.3.4): the requestor may be SCU of what it proposed; we never take the SCP
    /// role back towards it (no C-GET), so the SCP flag is answered 0.
    /// </summary>
    public static IReadOnlyList<RoleSelection> AnswerRoles(IReadOnlyList<RoleSelection> proposed, IReadOnlyList<AcceptedPresentationContext> accepted)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(accepted);
        var abstracts = accepted.Select(c => c.AbstractSyntax).ToHashSet(StringComparer.Ordinal);
        return [.. proposed.Where(r => abstracts.Contains(r.SopClassUid)).Select(r => new RoleSelection(r.SopClassUid, r.ScuRole, ScpRole: false))];
    }

    /// <summary>We perform operations one at a time per association (PS3.7 D.3.3.3): answer 1/1 when asked.</summary>
    public static AsyncOperationsWindow? AnswerAsyncWindow(AsyncOperationsWindow? proposed) =>
        proposed is null ? null : new AsyncOperationsWindow(1, 1);

    private string? Choose(IReadOnlyList<string> proposed)
    {
        if (preferred is not null)
        {
            foreach (var candidate in preferred)
            {
                if (proposed.Contains(candidate) && acceptTransferSyntax(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        foreach (var candidate in proposed)
        {
            if (acceptTransferSyntax(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
