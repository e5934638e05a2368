package org.dicface.torch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of tests whose tensors are all freed after each test. */
public abstract class ScopedTest {
    private Scope scope;

    @BeforeEach
    protected void openScope() {
        scope = Scope.open();
    }

    @AfterEach
    protected void closeScope() {
        scope.close();
    }
}
