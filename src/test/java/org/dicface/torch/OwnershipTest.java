package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Every native handle has one owner and is freed deterministically; the Cleaner only catches leaks. */
@Isolated  // counts live handles process-wide
class OwnershipTest {

    @Test
    void scopeFreesEverythingCreatedInIt() {
        LiveHandles.Check handles = LiveHandles.check();
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.ones(4);
            a.add(1).mul(a).exp();
            a.split(new long[] {1, 3}, 0);
            assertEquals(6, handles.added());
            assertEquals(6, scope.size());
        }
        handles.assertNothingLeft("after the scope");
    }

    @Test
    void keepHandsTheResultToTheEnclosingScopeOrTheCaller() {
        LiveHandles.Check handles = LiveHandles.check();
        Tensor survivor;
        try (Scope outer = Scope.open()) {
            Tensor kept;
            try (Scope inner = Scope.open()) {
                Tensor tmp = Tensor.ones(3).mul(2);
                kept = inner.keep(tmp.add(1));
            }
            assertFalse(kept.isClosed());
            assertEquals(1, handles.added());
            assertEquals(9, kept.sum().item());  // the sum belongs to outer too
            survivor = outer.keep(kept);
        }
        assertFalse(survivor.isClosed());
        assertEquals(1, handles.added());
        survivor.close();
        assertTrue(survivor.isClosed());
        handles.assertNothingLeft("after closing the survivor");
    }

    private static Throwable catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAJavaError() {
        Tensor t = Tensor.ones(2);
        t.close();
        t.close();
        var e = assertThrows(IllegalStateException.class, () -> t.add(1));
        assertTrue(e.getMessage().contains("closed"));
        assertEquals("Tensor[closed]", t.toString());
        LiveHandles.Check handles = LiveHandles.check();
        try (Scope scope = Scope.open()) {
            Tensor u = Tensor.ones(2);
            u.close();  // closed early: the scope must not free it twice
            assertEquals(0, handles.added());
        }
        handles.assertNothingLeft("a handle freed twice would count below the start");
    }

    @Test
    void scopesCloseInnermostFirstOnTheirOwnThread() throws Exception {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        Throwable[] onOther = new Throwable[1];
        Thread other = new Thread(() -> onOther[0] = catching(outer::close));
        other.start();
        other.join();
        assertTrue(onOther[0] instanceof IllegalStateException, "closing on another thread: " + onOther[0]);
        outer.close();
        assertThrows(IllegalStateException.class, () -> outer.keep(Tensor.ones(1)));
    }

    @Test
    void keepAllKeepsAList() {
        LiveHandles.Check handles = LiveHandles.check();
        List<Tensor> parts;
        try (Scope scope = Scope.open()) {
            parts = scope.keepAll(Tensor.ones(4).split(new long[] {2, 2}, 0));
        }
        assertEquals(2, handles.added());
        parts.forEach(Tensor::close);
        handles.assertNothingLeft("after closing the parts");
    }

    @Test
    void cleanerFreesForgottenTensors() {
        LiveHandles.Check handles = LiveHandles.check();
        for (int i = 0; i < 200; i++) {
            Tensor.ones(16);  // never closed, no scope: unreachable at once
        }
        assertEquals(200, handles.added());
        assertEquals(handles.live(), LiveHandles.settled(), "the Cleaner freed every forgotten tensor");
        assertEquals(200, Tensor.freedByCleaner() - handles.cleaned(), "and counted them");
    }

    @Test
    void thousandsOfWindowsLeaveNoHandleBehind() {
        LiveHandles.Check handles = LiveHandles.check();
        Tensor weight = Tensor.normal(0, 0.1, null, 8, 4, 3, 3);
        try (GradMode.Guard g = GradMode.INFERENCE.enter()) {
            for (int i = 0; i < 5000; i++) {
                try (Scope window = Scope.open()) {
                    Tensor x = Tensor.ones(1, 4, 8, 8);
                    x.conv2d(weight, null, 1, 1).silu().mean();
                }
            }
        }
        weight.close();
        handles.assertNothingLeft("after 5000 windows");
    }

    @Test
    void gradientHandlesAreOwnedLikeAnyOther() {
        LiveHandles.Check handles = LiveHandles.check();
        Tensor g2;
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            x.mul(3).sum().backward();
            int owned = scope.size();
            long alive = handles.added();
            Tensor g1 = x.grad();
            g2 = x.grad();
            assertEquals(owned + 2, scope.size(), "each grad() is a new handle, owned by the open scope");
            assertEquals(alive + 2, handles.added());
            assertEquals(3, g1.toFloatArray()[1]);
            g1.close();  // freeing one handle leaves the gradient and the other handle intact
            assertEquals(alive + 1, handles.added());
            assertEquals(3, g2.toFloatArray()[0]);
            assertEquals(3, x.grad().toFloatArray()[1], "the gradient itself is still there");
        }
        assertTrue(g2.isClosed(), "the scope closed the other handle");
        handles.assertNothingLeft("after the scope");
    }
}
