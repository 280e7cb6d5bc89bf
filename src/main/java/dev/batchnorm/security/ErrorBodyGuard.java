package dev.batchnorm.security;

import dev.batchnorm.api.ProblemResponses;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Gives a body to an error answer that has none, such as the actuator's 404 for a health
 * component that does not exist: outside the API no handler of ours writes the errors, and every
 * error must still be a problem. Holds back a flush of a body-less error until then.
 */
final class ErrorBodyGuard extends HttpServletResponseWrapper {

    private boolean bodyStarted;

    ErrorBodyGuard(HttpServletResponse response) {
        super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        bodyStarted = true;
        return super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        bodyStarted = true;
        return super.getWriter();
    }

    @Override
    public void flushBuffer() throws IOException {
        if (bodyStarted || getStatus() < 400) {
            super.flushBuffer();
        }
    }

    /** After the chain: writes a problem if the answer is an error that nobody gave a body. */
    void complete(String instance) throws IOException {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        if (!bodyStarted && !response.isCommitted() && response.getStatus() >= 400) {
            ProblemResponses.write(response, response.getStatus(), instance);
        }
    }
}
