using Spotlight.Identity.Account;
using Spotlight.Messaging.Attachments;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Platform;
using Spotlight.Platform.Storage;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;
using Spotlight.Realtime.Presence;

namespace Spotlight.Messaging;

/// <summary>Conversations, messages and attachments (API.md, Conversations), over REST here and over the realtime hub.</summary>
public static class MessagingModule
{
    public static WebApplicationBuilder AddMessaging(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<MessagingOptions>(MessagingOptions.Section)
            .Validate(o => o.MaxGroupMembers >= 2 && o.MaxAttachmentBytes >= 1 && o.UnattachedUploadMinutes >= 1,
                "Messaging: MaxGroupMembers must be at least 2, MaxAttachmentBytes and UnattachedUploadMinutes at least 1.")
            .ServedAsValue();
        services.AddSingleton<MessagingMetrics>();
        services.AddScoped<ConversationReader>();
        services.AddPersonalData<MessagingPersonalData>();
        services.AddScoped<NewMembers>();
        services.AddScoped<CreateConversation>();
        services.AddScoped<ListConversations>();
        services.AddScoped<GetConversation>();
        services.AddScoped<RenameConversation>();
        services.AddScoped<AddMembers>();
        services.AddScoped<RemoveMember>();
        services.AddScoped<PostMessage>();
        services.AddScoped<MessageHistory>();
        services.AddScoped<ChangeMessage>();
        services.AddScoped<Moderation.IReportTarget, MessageReportTarget>();
        services.AddScoped<ReadReceipts>();
        services.AddScoped<TypingNotices>();
        services.AddScoped<IConversationDirectory, ConversationDirectory>();
        services.AddSingleton<IAttachmentStore, LocalDiskAttachmentStore>();
        services.AddScoped<UploadAttachment>();
        services.AddScoped<ReadAttachment>();
        services.AddScoped<DeleteAttachment>();
        services.AddSingleton<ISignalDelivery, MessagingDelivery>();
        services.AddScoped<IConversationCommands, MessagingHubCommands>();
        services.AddPresenceAudience<ConversationPartnersSeePresence>();
        services.AddUserStorage<AttachmentStorage>(builder.Configuration);
        // Often enough that an unattached upload outlives its allowance by minutes, not by another hour.
        services.AddJob<AttachmentCleanupJob>(every: TimeSpan.FromMinutes(5));
        return builder;
    }

    public static IEndpointRouteBuilder MapMessaging(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapPost("/", ConversationsApi.Create).WithName("CreateConversation")
            .WithSummary("Start a conversation: one other member and no title is direct (one per pair: the existing one is returned, 200), otherwise a group you own");
        conversations.MapGet("/", ConversationsApi.List).WithName("ListConversations").WithSummary("The caller's conversations, most recent activity first");
        conversations.MapGet("/{id:guid}", ConversationsApi.Get).WithName("GetConversation").WithSummary("One conversation with its members");
        conversations.MapPatch("/{id:guid}", ConversationsApi.Rename).WithName("RenameConversation").WithSummary("Change a group's title (owner only)");
        conversations.MapPost("/{id:guid}/members", ConversationsApi.AddMembers).WithName("AddConversationMembers").WithSummary("Add members to a group (owner only)");
        conversations.MapDelete("/{id:guid}/members/{userId:guid}", ConversationsApi.RemoveMember).WithName("RemoveConversationMember")
            .WithSummary("Remove a member from a group (owner), or leave it (yourself)");
        conversations.MapGet("/{id:guid}/messages", MessagesApi.History).WithName("ListMessages")
            .WithSummary("History, newest first; with ?after=<sequence> the messages after it, oldest first (catching up after a reconnect)");
        conversations.MapPost("/{id:guid}/messages", MessagesApi.Post).WithName("PostMessage")
            .WithSummary("Post a message; a repeated clientMessageId returns the first message instead of storing a second");
        conversations.MapPatch("/{id:guid}/messages/{messageId:guid}", MessagesApi.Edit).WithName("EditMessage").WithSummary("Edit your message's text");
        conversations.MapDelete("/{id:guid}/messages/{messageId:guid}", MessagesApi.Delete).WithName("DeleteMessage")
            .WithSummary("Delete your message: it stays as a tombstone without text or attachments");
        conversations.MapPost("/{id:guid}/read", MessagesApi.MarkRead).WithName("MarkConversationRead").WithSummary("Mark the conversation read up to a message");

        var attachments = app.MapGroup("/api/v1/attachments").WithTags("Conversations").RequireAuthorization();
        attachments.MapPost("/", AttachmentsApi.Upload).WithName("UploadAttachment")
            .WithSummary("Upload a file as the raw request body (its type is sniffed from the content) to attach to a message")
            .Accepts<Stream>("application/octet-stream", "image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "application/pdf");
        attachments.MapGet("/{id:guid}", AttachmentsApi.Download).WithName("DownloadAttachment")
            .WithSummary("An attachment, for its uploader and the members of the conversation that carries it");
        attachments.MapDelete("/{id:guid}", AttachmentsApi.Delete).WithName("DeleteAttachment")
            .WithSummary("Delete an upload of yours that no message carries yet, freeing its storage quota");
        return app;
    }
}
