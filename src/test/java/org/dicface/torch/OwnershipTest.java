package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        long before = Torch.liveTensors();
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.ones(4);
            a.add(1).mul(a).exp();
            a.split(new long[] {1, 3}, 0);
            assertEquals(before + 6, Torch.liveTensors());
            assertEquals(6, scope.size());
        }
        assertEquals(before, Torch.liveTensors());
    }

    @Test
    void keepHandsTheResultToTheEnclosingScopeOrTheCaller() {
        long before = Torch.liveTensors();
        Tensor survivor;
        try (Scope outer = Scope.open()) {
            Tensor kept;
            try (Scope inner = Scope.open()) {
                Tensor tmp = Tensor.ones(3).mul(2);
                kept = inner.keep(tmp.add(1));
            }
            assertFalse(kept.isClosed());
            assertEquals(before + 1, Torch.liveTensors());
            assertEquals(9, kept.sum().item());  // the sum belongs to outer too
            survivor = outer.keep(kept);
        }
        assertFalse(survivor.isClosed());
        assertEquals(before + 1, Torch.liveTensors());
        survivor.close();
        assertTrue(survivor.isClosed());
        assertEquals(before, Torch.liveTensors());
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAJavaError() {
        Tensor t = Tensor.ones(2);
        t.close();
        t.close();
        var e = assertThrows(IllegalStateException.class, () -> t.add(1));
        assertTrue(e.getMessage().contains("closed"));
        assertEquals("Tensor[closed]", t.toString());
        try (Scope scope = Scope.open()) {
            Tensor u = Tensor.ones(2);
            u.close();  // closed early: the scope must not free it twice
        }
    }

    @Test
    void scopesCloseInnermostFirstOnTheirOwnThread() throws Exception {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        Thread other = new Thread(() -> assertThrows(IllegalStateException.class, outer::close));
        other.start();
        other.join();
        outer.close();
        assertThrows(IllegalStateException.class, () -> outer.keep(Tensor.ones(1)));
    }

    @Test
    void keepAllKeepsAList() {
        long before = Torch.liveTensors();
        List<Tensor> parts;
        try (Scope scope = Scope.open()) {
            parts = scope.keepAll(Tensor.ones(4).split(new long[] {2, 2}, 0));
        }
        assertEquals(before + 2, Torch.liveTensors());
        parts.forEach(Tensor::close);
        assertEquals(before, Torch.liveTensors());
    }

    @Test
    void cleanerFreesForgottenTensors() throws InterruptedException {
        long before = Torch.liveTensors();
        long cleanedBefore = Tensor.freedByCleaner();
        for (int i = 0; i < 200; i++) {
            Tensor.ones(16);  // never closed, no scope: unreachable at once
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Torch.liveTensors() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, Torch.liveTensors(), "the Cleaner freed every forgotten tensor");
        assertTrue(Tensor.freedByCleaner() - cleanedBefore >= 200);
    }

    @Test
    void thousandsOfWindowsLeaveNoHandleBehind() {
        long before = Torch.liveTensors();
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
        assertEquals(before, Torch.liveTensors());
    }

    @Test
    void gradientHandlesAreOwnedLikeAnyOther() {
        long before = Torch.liveTensors();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            x.mul(3).sum().backward();
            Tensor g1 = x.grad();
            Tensor g2 = x.grad();
            assertEquals(3, g1.toFloatArray()[1]);
            g1.close();  // freeing one handle leaves the gradient and the other handle intact
            assertEquals(3, g2.toFloatArray()[0]);
            assertSame(scope, scope);
        }
        assertEquals(before, Torch.liveTensors());
    }
}
