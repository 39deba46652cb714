// The care-plans service's own process (the distributed mode): see README.md, "Distributed mode".
import { runServiceProcess } from '@carenet/runtime';
import { sharedInfoModule } from '@carenet/shared-info';
import { tasksModule } from '@carenet/tasks';
import { carePlansModule } from '@carenet/care-plans';

await runServiceProcess(carePlansModule, [tasksModule, sharedInfoModule]);
