package io.flowlens.users;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.flowlens.testing.ContractClient;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.isOneOf;

/** Idempotency-Key on POST /users: the platform's IdempotencyFilter, exercised through a real service. */
@HelidonTest
class IdempotencyTest {

    @Inject
    private UserStore store;

    private static String body(String email) {
        return "{\"name\":\"Idem\",\"email\":\"" + email + "\"}";
    }

    private static Response post(String key, String body) {
        return ContractClient.given("users").header("Idempotency-Key", key).contentType(JSON).body(body).post("/users");
    }

    @Test
    void aRepeatAnswersTheFirstResultAndCreatesNothing() {
        String key = "k-" + UUID.randomUUID();
        String email = "idem-" + UUID.randomUUID() + "@example.com";
        long before = store.count();
        Response first = post(key, body(email));
        Response again = post(key, body(email));
        assertThat(first.statusCode(), is(201));
        assertThat(again.statusCode(), is(201));
        assertThat(again.jsonPath().getLong("id"), is(first.jsonPath().getLong("id")));
        assertThat(again.header("Location"), is(first.header("Location")));
        assertThat(again.header("Idempotent-Replayed"), is("true"));
        assertThat(store.count(), is(before + 1));
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndChangesNothing() {
        String key = "k-" + UUID.randomUUID();
        post(key, body("a-" + UUID.randomUUID() + "@example.com")).then().statusCode(201);
        long before = store.count();
        post(key, body("b-" + UUID.randomUUID() + "@example.com")).then().statusCode(422)
                .contentType("application/problem+json").body("type", is("https://flowlens.io/problems/idempotency-key-reused"));
        assertThat(store.count(), is(before));
    }

    @Test
    void aClientErrorIsReplayedToo() {
        String key = "k-" + UUID.randomUUID();
        post(key, body("ada@example.com")).then().statusCode(409);
        post(key, body("ada@example.com")).then().statusCode(409).header("Idempotent-Replayed", "true");
    }

    @Test
    void concurrentDuplicatesCreateExactlyOneUser() throws Exception {
        String key = "k-" + UUID.randomUUID();
        String payload = body("race-" + UUID.randomUUID() + "@example.com");
        long before = store.count();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> post(key, payload).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
            // one ran; the others got its answer (201, replayed) or were told it is still running (409)
            assertThat(statuses, everyItem(isOneOf(201, 409)));
            assertThat(statuses.contains(201), is(true));
        } finally {
            pool.shutdown();
        }
        assertThat(store.count(), is(before + 1));
    }

    @Test
    void anInvalidKeyIs400() {
        ContractClient.givenInvalidRequest("users").header("Idempotency-Key", "spaces are not allowed").contentType(JSON)
                .body(body("x-" + UUID.randomUUID() + "@example.com")).post("/users").then().statusCode(400);
    }
}
