using System.Diagnostics.Metrics;

namespace Spotlight.Messaging;

/// <summary>Instruments on the <c>Spotlight.Messaging</c> meter.</summary>
public sealed class MessagingMetrics
{
    public MessagingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Messaging");
        MessagesPosted = meter.CreateCounter<long>("spotlight_messages_posted_total", description: "Messages stored.");
        Replays = meter.CreateCounter<long>("spotlight_message_replays_total", description: "Sends answered with the message already stored for their clientMessageId.");
        ConversationsCreated = meter.CreateCounter<long>("spotlight_conversations_created_total", description: "Conversations created, by kind.");
        AttachmentsUploaded = meter.CreateCounter<long>("spotlight_attachments_uploaded_total", description: "Uploads stored, by content type.");
        QuotaRefusals = meter.CreateCounter<long>("spotlight_attachment_quota_refusals_total", description: "Uploads refused because they would pass the uploader's storage quota.");
    }

    public Counter<long> MessagesPosted { get; }

    public Counter<long> Replays { get; }

    public Counter<long> ConversationsCreated { get; }

    public Counter<long> AttachmentsUploaded { get; }

    public Counter<long> QuotaRefusals { get; }
}
