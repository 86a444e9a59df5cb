using System.Net;
using System.Net.Sockets;

namespace FormulaTel.Ingest.Udp;

/// <summary>The UDP socket games send to, as ingest and `record` open it, and the source addresses it reports.</summary>
public static class TelemetrySocket
{
    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/>; "::" listens on IPv6 and IPv4 at once.</summary>
    public static Socket Bind(IPAddress address, int port, int receiveBufferBytes = 4 * 1024 * 1024)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // One socket for both families: a console on an IPv4 LAN and a PC on IPv6 alike.
                socket.DualMode = true;
            }

            // A 60 Hz burst of 20+ cars is several datagrams at once; a larger kernel buffer rides out GC pauses.
            socket.ReceiveBufferSize = receiveBufferBytes;
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The "any" endpoint to receive from on <paramref name="socket"/>.</summary>
    public static EndPoint AnyRemote(Socket socket) =>
        new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

    /// <summary>The sender as its own family: a dual-mode socket reports IPv4 senders as IPv4-mapped IPv6.</summary>
    public static IPEndPoint Source(IPEndPoint remote) =>
        remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;
}
