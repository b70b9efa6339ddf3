package io.flowlens.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder in front of a real backend, to make that backend misbehave without touching it:
 * {@link Mode#FORWARD} passes bytes both ways; {@link Mode#BLACKHOLE} accepts connections and never answers (a hung
 * server); switching modes closes every open connection, as a restarting backend would.
 */
final class TcpProxy implements AutoCloseable {

    enum Mode { FORWARD, BLACKHOLE }

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.FORWARD;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    void mode(Mode next) {
        mode = next;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                if (mode == Mode.FORWARD) {
                    Socket backend = new Socket();
                    backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                    open.add(backend);
                    pump(client, backend);
                    pump(backend, client);
                }
            } catch (IOException e) {
                // closed, or one connection failed: keep accepting until close()
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        mode(Mode.FORWARD);
    }
}
