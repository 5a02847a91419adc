using Spotlight.Identity.Users;

namespace Spotlight.Identity.Staff;

/// <summary>What Identity offers the admin console: staff sign-in, two-factor enrolment, and the reads its pages need.</summary>
public static class StaffConsoleModule
{
    public static IServiceCollection AddStaffConsole(this IServiceCollection services) => services
        .AddScoped<StaffAccounts>().AddScoped<StaffSignInTickets>().AddScoped<StaffSignInFinish>().AddScoped<StaffPasswordSignIn>()
        .AddScoped<StaffCodeSignIn>().AddScoped<StaffPasskeySignIn>().AddScoped<StaffTotpKeys>().AddScoped<EnrolStaffTwoFactor>()
        .AddScoped<UserStatistics>();
}
