package dev.batchnorm.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The container's error dispatch, for errors no handler of ours answered (a TRACE, a
 * {@code sendError} outside Spring MVC), as problem+json rather than Spring Boot's default JSON.
 * It replaces Boot's {@code BasicErrorController}.
 */
@Hidden
@Controller
class ErrorDispatchController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorDispatchController.class);

    @RequestMapping("${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for directly, /error is just a path that does not exist
        int status = attribute instanceof Integer s && s >= 400 && s <= 599 ? s : 404;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (status >= 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t) {
            log.error("Unexpected failure on {}", uri, t);
        }
        response.resetBuffer();
        ProblemResponses.write(response, status, uri instanceof String u ? u : request.getRequestURI());
    }
}
