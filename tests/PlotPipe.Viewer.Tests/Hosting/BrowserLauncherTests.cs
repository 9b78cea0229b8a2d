using PlotPipe.Viewer.Hosting;

namespace PlotPipe.Viewer.Tests.Hosting;

/// <summary>Opening the page never puts the token on a command line, where any user of the machine could read it.</summary>
public sealed class BrowserLauncherTests
{
    [Fact]
    public void A_tokened_address_is_handed_over_in_a_file_only_this_user_can_read()
    {
        var url = new Uri("http://127.0.0.1:4321/?token=abcdefghijklmnop-secret");
        var path = BrowserLauncher.RedirectFile(url);
        try
        {
            Assert.DoesNotContain("secret", path);
            Assert.DoesNotContain("secret", new Uri(path).AbsoluteUri);
            Assert.Contains("content=\"0;url=http://127.0.0.1:4321/?token=abcdefghijklmnop-secret\"", File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
