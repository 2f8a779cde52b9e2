package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import okhttp3.Headers;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/**
 * fabric8's CRUD mock cannot do server-side apply (fabric8 issue #5360), which Spark 3.5 uses for the driver's
 * ConfigMaps and Service. A server-side apply of an object that does not exist yet creates it, so this turns such a
 * PATCH into the equivalent POST to the collection (or a PUT when the object exists).
 */
final class ServerSideApplyAsCreate extends KubernetesCrudDispatcher {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** RecordedRequest takes its URL from a socket: a local, never connected one on loopback. */
    private final Socket localSocket;

    ServerSideApplyAsCreate() {
        try {
            localSocket = new Socket();
            localSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.contains("apply-patch")) {
            return super.handlePatch(request);
        }
        String path = request.getPath();
        String objectPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String collectionPath = objectPath.substring(0, objectPath.lastIndexOf('/'));
        String json;
        try {
            json = JSON.writeValueAsString(YAML.readTree(request.getBody().readUtf8()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean exists = super.handleGet(objectPath).getStatus().contains(" 200");
        String requestLine = (exists ? "PUT " + objectPath : "POST " + collectionPath) + " HTTP/1.1";
        Buffer body = new Buffer().writeUtf8(json);
        Headers headers = request.getHeaders().newBuilder().set("Content-Type", "application/json").build();
        RecordedRequest converted = new RecordedRequest(requestLine, headers, List.of(), body.size(), body,
                request.getSequenceNumber(), localSocket);
        return exists ? handleUpdate(converted) : handleCreate(converted);
    }
}
